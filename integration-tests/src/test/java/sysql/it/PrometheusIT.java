// SPDX-License-Identifier: Apache-2.0
package sysql.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.RequiresBpf;

/**
 * {@code sysql serve --metrics sql-examples/metrics/syscalls.sql} on a live capture, scraped every second by a real
 * Prometheus (Debian's {@code prometheus}, which {@code scripts/install-deps.sh --tests} installs) that the test
 * starts on a loopback port: PromQL through Prometheus' HTTP API gives, for a scripted workload's process, exactly
 * the system calls it made, and still exactly that once later windows have closed.
 */
@RequiresBpf
class PrometheusIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORKLOAD = ROOT.resolve("driver-kmod/target/native/sysql-workload");
    private static final int OPENS = 777;
    private static final String QUERY = "sum(sysql_syscalls_total{proc_name=\"sysql-workload\",evt_type=\"openat\"})";

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void prometheusCountsTheWorkloadsSyscallsExactly() throws Exception {
        Path prometheusBinary = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(prometheusBinary)) {
            fail("Prometheus is not installed: run scripts/install-deps.sh --tests (Debian's prometheus package)");
        }
        assertTrue(Files.isExecutable(WORKLOAD), WORKLOAD + " is missing: build driver-kmod first");
        ProcessBuilder serve = new ProcessBuilder(
                        "bash",
                        ROOT.resolve("sysql").toString(),
                        "serve",
                        "--port",
                        "0",
                        "--metrics",
                        ROOT.resolve("sql-examples/metrics/syscalls.sql").toString())
                .redirectError(tmp.resolve("serve.err").toFile());
        serve.environment().put("SYSQL_SOCKET", tmp.resolve("no-daemon.sock").toString());
        Process sysql = serve.start();
        Process prometheus = null;
        try {
            int port = listeningPort(sysql);
            int prometheusPort = freePort();
            Path config = tmp.resolve("prometheus.yml");
            Files.writeString(
                    config,
                    "global:\n"
                            + "  scrape_interval: 1s\n"
                            + "  scrape_timeout: 1s\n"
                            + "scrape_configs:\n"
                            + "  - job_name: sysql\n"
                            + "    static_configs:\n"
                            + "      - targets: ['127.0.0.1:" + port + "']\n");
            prometheus = new ProcessBuilder(
                            prometheusBinary.toString(),
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                            "--web.listen-address=127.0.0.1:" + prometheusPort)
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("prometheus.log").toFile())
                    .start();
            String api = "http://127.0.0.1:" + prometheusPort;
            // Prometheus scrapes sysql (up is 1) before the workload runs
            await(api, "up{job=\"sysql\"}", 1, 60, prometheus);
            Process workload = new ProcessBuilder(WORKLOAD.toString(), "-o", String.valueOf(OPENS), "/etc/hostname")
                    .redirectErrorStream(true)
                    .start();
            assertTrue(workload.waitFor(60, TimeUnit.SECONDS), "the workload did not end");
            assertEquals(0, workload.exitValue());
            // the 5-second window closes, sysql's counter moves, Prometheus scrapes it
            await(api, QUERY, OPENS, 60, prometheus);
            // and two windows later it has not moved again: each call counted once
            Thread.sleep(11_000);
            assertEquals(OPENS, value(api, QUERY), "after two more windows");
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
                prometheus.waitFor(20, TimeUnit.SECONDS);
            }
            sysql.destroy();
            if (!sysql.waitFor(30, TimeUnit.SECONDS)) {
                sysql.destroyForcibly();
            }
        }
    }

    /** The port {@code sysql serve} says it listens on (its first line). */
    private int listeningPort(Process sysql) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(sysql.getInputStream(), StandardCharsets.UTF_8));
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // the rest of its output
                }
            } catch (IOException e) {
                // it ended
            }
        });
        String first = out.readLine(); // the launcher builds first when the tree changed: this waits for it
        if (first == null) {
            fail("sysql serve ended: " + Files.readString(tmp.resolve("serve.err")));
        }
        drain.setDaemon(true);
        drain.start();
        Matcher m =
                Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(first);
        assertTrue(m.find(), first);
        return Integer.parseInt(m.group(1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until the PromQL query's value is {@code expected}; fails with its last value after the seconds. */
    private void await(String api, String query, long expected, int seconds, Process prometheus) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long last = -1;
        while (System.nanoTime() < deadline) {
            if (!prometheus.isAlive()) {
                fail("prometheus ended: " + Files.readString(tmp.resolve("prometheus.log")));
            }
            try {
                last = value(api, query);
            } catch (IOException e) {
                // Prometheus still starting
            }
            if (last == expected) {
                return;
            }
            Thread.sleep(500);
        }
        fail(query + " is " + last + ", not " + expected + ", after " + seconds + " s; sysql serve said: "
                + Files.readString(tmp.resolve("serve.err")));
    }

    /** The query's instant value through Prometheus' HTTP API, -1 when it has no sample. */
    private long value(String api, String query) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(
                                api + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
        }
        JsonNode result = new ObjectMapper().readTree(r.body()).path("data").path("result");
        if (result.size() == 0) {
            return -1;
        }
        assertEquals(1, result.size(), r.body());
        String v = result.get(0).path("value").get(1).asText();
        return (long) Double.parseDouble(v);
    }
}
