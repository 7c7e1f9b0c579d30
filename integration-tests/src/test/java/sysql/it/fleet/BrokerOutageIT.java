// SPDX-License-Identifier: Apache-2.0
package sysql.it.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.Child;
import sysql.testing.RequiresBpf;

/**
 * A live agent ({@code sysql export} on this host's capture) while its broker is stopped for 10 s: it keeps
 * capturing, counts the rows it could not deliver, and delivers again once the broker is back; every row of the
 * workload is either in the topic or counted.
 */
@RequiresBpf
class BrokerOutageIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORKLOAD = ROOT.resolve("driver-kmod/target/native/sysql-workload");
    private static final int OPENS = 1000;
    private static final Pattern SUMMARY = Pattern.compile(
            "sysql export: (\\d+) rows read, (\\d+) delivered in \\d+ records \\(\\d+ bytes\\), (\\d+) not delivered");

    @TempDir
    Path dir;

    /** The rows in the topic: fd.name and evt.time (epoch ms) of each. */
    private record Row(String fdName, long timeMillis) {}

    private static List<Row> topicRows(String bootstrap, String topic) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        List<Row> rows = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                BufferAllocator allocator = new RootAllocator()) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    try (ArrowStreamReader reader =
                            new ArrowStreamReader(new ByteArrayInputStream(r.value()), allocator)) {
                        VectorSchemaRoot root = reader.getVectorSchemaRoot();
                        while (reader.loadNextBatch()) {
                            for (int i = 0; i < root.getRowCount(); i++) {
                                LocalDateTime t = (LocalDateTime)
                                        root.getVector("evt.time").getObject(i);
                                rows.add(new Row(
                                        root.getVector("fd.name").getObject(i).toString(),
                                        t.toInstant(ZoneOffset.UTC).toEpochMilli()));
                            }
                        }
                    }
                }
            }
        }
        return rows;
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        return p.exitValue();
    }

    @Test
    void theAgentKeepsCapturingCountsWhatItCouldNotSendAndResumes() throws Exception {
        assertTrue(WORKLOAD.toFile().canExecute(), WORKLOAD + " is missing: build driver-kmod first");
        String topic = "outage";
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir)) {
            kafka.start();
            Child agent = Child.sysql(
                    dir,
                    List.of("--add-opens=java.base/java.nio=ALL-UNNAMED"),
                    "export",
                    "--engine",
                    "embedded",
                    "--no-history",
                    "-b",
                    kafka.bootstrap(),
                    "-t",
                    topic,
                    "--linger-ms",
                    "100",
                    // a record the broker has not taken within 3 s is given up and counted
                    "-X",
                    "delivery.timeout.ms=3000",
                    "-X",
                    "request.timeout.ms=1000",
                    "SELECT STREAM evt.time, fd.name FROM events WHERE evt.type = 'openat' AND evt.dir = '<'"
                            + " AND proc.name = 'sysql-workload'");
            try {
                // the agent streams once a first open reaches the topic (each primer opens /etc/hosts once)
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                long primers = 0;
                while (primers == 0) {
                    assertTrue(System.nanoTime() < deadline, "no row reached the topic in 60 s: " + agent.unseen());
                    assertTrue(agent.process.isAlive(), "the agent ended: " + agent.unseen());
                    assertEquals(0, run(WORKLOAD.toString(), "-o", "1", "/etc/hosts"));
                    Thread.sleep(300);
                    primers = topicRows(kafka.bootstrap(), topic).size();
                }
                // 1000 opens at 50 a second; the broker is away from 5 s to 15 s
                Process workload = new ProcessBuilder(
                                WORKLOAD.toString(), "-r", "50", "-o", String.valueOf(OPENS), "/etc/hostname")
                        .start();
                Thread.sleep(5000);
                kafka.stop();
                Thread.sleep(10_000);
                long restarted = System.currentTimeMillis();
                kafka.start();
                assertTrue(workload.waitFor(60, TimeUnit.SECONDS), "the workload did not end");
                assertEquals(0, workload.exitValue());
                Thread.sleep(3000); // its last rows' batch, and the producer's retries after the restart
                new ProcessBuilder("kill", "-INT", String.valueOf(agent.process.pid()))
                        .start()
                        .waitFor();
                assertTrue(agent.process.waitFor(60, TimeUnit.SECONDS), "SIGINT did not stop the agent");
                String said = agent.unseen();
                System.out.println("the agent said: " + said);
                Matcher m = SUMMARY.matcher(said);
                assertTrue(m.find(), said);
                long read = Long.parseLong(m.group(1));
                long delivered = Long.parseLong(m.group(2));
                long notDelivered = Long.parseLong(m.group(3));
                assertEquals(1, agent.process.exitValue(), "some rows were not delivered: exit 1; " + said);
                assertTrue(said.contains("rows not delivered in the last 10 s"), said);

                List<Row> rows = topicRows(kafka.bootstrap(), topic);
                Map<String, Long> byFile = rows.stream()
                        .collect(java.util.stream.Collectors.groupingBy(
                                Row::fdName, java.util.stream.Collectors.counting()));
                long primerRows = byFile.getOrDefault("/etc/hosts", 0L);
                long workloadRows = byFile.getOrDefault("/etc/hostname", 0L);
                // what the topic holds is what the agent says it delivered, no more (no duplicates), no less
                assertEquals(delivered, rows.size(), said);
                assertEquals(read, delivered + notDelivered, said);
                // every primer came before the outage, so all were delivered; the agent read every one of the
                // workload's opens (it kept capturing) and either delivered or counted each
                assertEquals(OPENS, read - primerRows, said);
                assertEquals(OPENS, workloadRows + notDelivered, said);
                assertTrue(notDelivered > 0, "the outage lost nothing? " + said);
                // and it delivered again after the restart
                assertTrue(
                        rows.stream().anyMatch(r -> r.fdName().equals("/etc/hostname") && r.timeMillis() > restarted),
                        "no row from after the restart: " + said);
            } finally {
                agent.close();
            }
        }
    }
}
