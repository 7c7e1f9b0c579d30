// SPDX-License-Identifier: Apache-2.0
package sysql.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load benchmark of {@code sysql serve}: {@link ServeLoad} against a running server, then one
 * {@code key=value} line for the whole run, one per short query, and the first errors word for word. The server's
 * heap is measured from outside (bench/serve-bench.sh), not here.
 */
@Command(
        name = "serve-load",
        mixinStandardHelpOptions = true,
        description = "Short-query clients and streaming clients against a sysql serve.")
public final class ServeLoadBench implements Callable<Integer> {
    @Option(
            names = "--url",
            required = true,
            description = "JDBC URL, e.g. jdbc:avatica:remote:url=http://127.0.0.1:8765;serialization=PROTOBUF")
    String url;

    @Option(names = "--clients", defaultValue = "100", description = "short-query clients (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--streams", defaultValue = "10", description = "streaming clients (default: ${DEFAULT-VALUE})")
    int streams;

    @Option(names = "--seconds", defaultValue = "60", description = "length of the run (default: ${DEFAULT-VALUE})")
    int seconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServeLoadBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ServeLoad.Report r = ServeLoad.run(new ServeLoad.Options(
                url, clients, streams, seconds * 1000L, ServeLoad.SHORT_QUERIES, ServeLoad.STREAM_QUERY));
        System.out.printf(
                "load: clients=%d streams=%d seconds=%.1f queries=%d qps=%.1f p50_ms=%.1f p99_ms=%.1f "
                        + "max_ms=%.1f errors=%d stream_rows=%d streams_with_rows=%d%n",
                clients,
                streams,
                r.seconds(),
                r.queries(),
                r.queriesPerSecond(),
                ServeLoad.Report.percentileMillis(r.latencies(), 50),
                ServeLoad.Report.percentileMillis(r.latencies(), 99),
                ServeLoad.Report.percentileMillis(r.latencies(), 100),
                r.errors(),
                r.streamRows(),
                r.streamsWithRows());
        for (int k = 0; k < r.perQuery().length; k++) {
            long[] l = r.perQuery()[k];
            System.out.printf(
                    "query: n=%d p50_ms=%.1f p99_ms=%.1f sql=%s%n",
                    l.length,
                    ServeLoad.Report.percentileMillis(l, 50),
                    ServeLoad.Report.percentileMillis(l, 99),
                    ServeLoad.SHORT_QUERIES.get(k));
        }
        r.firstErrors().forEach(e -> System.out.println("error: " + e.replace('\n', ' ')));
        return r.errors() == 0 ? 0 : 1;
    }
}
