// SPDX-License-Identifier: Apache-2.0
package sysql.bench;

import java.time.Duration;
import java.util.Locale;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import sysql.fleet.flink.FleetSchema;

/**
 * The global part of a fleet query as a bounded Flink SQL job over a topic of exported rows, for
 * bench/fleet-bench.sh: per-second windows by {@code evt.type}, over the raw rows ({@code COUNT(*)}) or over the
 * hosts' per-second partial counts ({@code SUM(c)}), on Flink's local MiniCluster in this JVM (parallelism 1),
 * reading the topic from its start to its offsets when the job starts ({@code 'scan.bounded.mode' =
 * 'latest-offset'}). Runs the job REPS times in the same JVM (the first also starts the MiniCluster and warms the
 * JIT); prints one line a run: {@code run=I seconds=S windows=W groups=G events=E}, E being the events the
 * windows count (the sum of the counts).
 *
 * <p>Usage: {@code FlinkTopicRead BOOTSTRAP TOPIC arrow|json raw|partials REPS}
 */
public final class FlinkTopicRead {
    private FlinkTopicRead() {}

    @SuppressWarnings("try") // the iterator's close may be interrupted: the run fails then anyway
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: FlinkTopicRead BOOTSTRAP TOPIC arrow|json raw|partials REPS");
            System.exit(2);
        }
        String bootstrap = args[0];
        String topic = args[1];
        FleetSchema.Format format = "json".equals(args[2].toLowerCase(Locale.ROOT))
                ? FleetSchema.Format.JSON
                : FleetSchema.Format.SYSQL_ARROW;
        boolean partials = "partials".equals(args[3]);
        int reps = Integer.parseInt(args[4]);
        // Janino's default compiler is a static of commons-compiler, which Flink's planner loader takes from the
        // class path: made here, by the application's class loader, as sysql's own Calcite makes it in `sysql fleet`
        // before Flink plans. Made first by Flink's planner (its component class loader) it is not found.
        Class.forName("org.codehaus.commons.compiler.CompilerFactoryFactory")
                .getMethod("getDefaultCompilerFactory", ClassLoader.class)
                .invoke(null, FlinkTopicRead.class.getClassLoader());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment t = StreamTableEnvironment.create(env);
        t.getConfig().set("table.local-time-zone", "UTC");
        for (int run = 1; run <= reps; run++) {
            FleetSchema.KafkaTable table = FleetSchema.kafkaTable("events" + run)
                    .topic(topic)
                    .bootstrapServers(bootstrap)
                    .groupId("fleet-bench-" + run)
                    .format(format)
                    .boundedMode("latest-offset")
                    .watermarkDelay(Duration.ofSeconds(5));
            String sum;
            if (partials) {
                table.column("host_window_start", "TIMESTAMP(3)")
                        .field("evt.type")
                        .column("c", "BIGINT")
                        .rowtime("host_window_start");
                sum = "SUM(c)";
            } else {
                table.fields("evt.time", "evt.type", "proc.name");
                sum = "COUNT(*)";
            }
            t.executeSql(table.ddl());
            String query = "SELECT window_start, `evt.type`, " + sum + " FROM TABLE(TUMBLE(TABLE events" + run
                    + ", DESCRIPTOR(" + table.rowtimeAttribute() + "), INTERVAL '1' SECOND))"
                    + " GROUP BY window_start, window_end, `evt.type`";
            long t0 = System.nanoTime();
            long groups = 0;
            long events = 0;
            java.util.Set<Object> windows = new java.util.HashSet<>();
            try (CloseableIterator<Row> it = t.executeSql(query).collect()) {
                while (it.hasNext()) {
                    Row r = it.next();
                    groups++;
                    windows.add(r.getField(0));
                    events += ((Number) r.getField(2)).longValue();
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "run=%d seconds=%.3f windows=%d groups=%d events=%d%n",
                    run,
                    seconds,
                    windows.size(),
                    groups,
                    events);
            System.out.flush();
        }
        System.exit(0);
    }
}
