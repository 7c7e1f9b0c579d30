package probe;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.time.*;
import java.util.*;
import java.util.concurrent.TimeUnit;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.producer.*;
import org.junit.jupiter.api.*;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlinkKafkaSqlTest {
    EmbeddedKafka kafka;

    @BeforeAll void startKafka() throws Exception {
        kafka = new EmbeddedKafka(Files.createTempDirectory("kraft").resolve("log"));
        kafka.start();
        try (Admin a = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
            a.createTopics(List.of(new NewTopic("rows_a", 1, (short) 1), new NewTopic("rows_b", 3, (short) 1))).all().get();
        }
        // 1000 JSON rows, ts spread over 5 seconds, keys "proc.name" in {bash, sshd, java}, dotted field names
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        DateTimeFormatterHolder f = new DateTimeFormatterHolder();
        try (var p = new KafkaProducer<String, String>(KafkaBrokerTest.producerProps(kafka.bootstrap()))) {
            for (int i = 0; i < 1000; i++) {
                Instant t = base.plusMillis(i * 5L);
                String proc = List.of("bash", "sshd", "java").get(i % 3);
                long ns = t.getEpochSecond() * 1_000_000_000L + t.getNano();
                String json = String.format("{\"proc.name\":\"%s\",\"evt.time\":%d,\"ts\":\"%s\",\"evt.num\":%d}",
                        proc, ns, f.sql(t), i);
                p.send(new ProducerRecord<>("rows_a", json));
                // rows_b: 3 partitions but everything goes to partition 0 -> partitions 1,2 idle
                p.send(new ProducerRecord<>("rows_b", 0, null, json));
            }
            p.flush();
        }
    }

    @AfterAll void stopKafka() { if (kafka != null) kafka.stop(); }

    static final class DateTimeFormatterHolder {
        final java.time.format.DateTimeFormatter sql = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
        String sql(Instant t) { return sql.format(t); }
    }

    StreamTableEnvironment tenv() {
        long t0 = System.nanoTime();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(); // local MiniCluster
        env.setParallelism(1);
        StreamTableEnvironment t = StreamTableEnvironment.create(env);
        t.getConfig().set("table.local-time-zone", "UTC");
        System.out.printf("TIMING tenv create=%d ms%n", (System.nanoTime() - t0) / 1_000_000);
        return t;
    }

    static void cancelQuietly(TableResult r) {
        try { r.getJobClient().ifPresent(j -> j.cancel()); } catch (Exception ignored) { /* job already finished */ }
    }

    static List<Row> drain(TableResult r, int max, long timeoutMs) throws Exception {
        List<Row> rows = new ArrayList<>();
        Thread killer = new Thread(() -> { try { Thread.sleep(timeoutMs); cancelQuietly(r); } catch (InterruptedException ignored) {} });
        killer.setDaemon(true); killer.start();
        try (CloseableIterator<Row> it = r.collect()) {
            while (rows.size() < max && it.hasNext()) rows.add(it.next());
        } catch (Exception e) { System.out.println("drain ended: " + e); }
        killer.interrupt();
        return rows;
    }

    /** Q2+Q3: bounded read (scan.bounded.mode=latest-offset): source finishes, final watermark closes all windows. */
    @Test void tumbleBoundedWithDottedColumns() throws Exception {
        var t = tenv();
        t.executeSql("CREATE TABLE a (`proc.name` STRING, `evt.num` BIGINT, ts TIMESTAMP(3), "
                + "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ("
                + "'connector'='kafka', 'topic'='rows_a', 'properties.bootstrap.servers'='" + kafka.bootstrap() + "', "
                + "'properties.group.id'='fa', 'format'='json', 'scan.startup.mode'='earliest-offset', "
                + "'scan.bounded.mode'='latest-offset')");
        long t0 = System.nanoTime();
        TableResult r = t.executeSql("SELECT window_start, `proc.name` AS k, COUNT(*) AS c, MAX(`evt.num`) AS mx "
                + "FROM TABLE(TUMBLE(TABLE a, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
                + "WHERE `proc.name` <> 'nobody' GROUP BY window_start, window_end, `proc.name`");
        List<Row> rows = drain(r, 1000, 120_000);
        System.out.printf("TIMING bounded query=%d ms rows=%d%n", (System.nanoTime() - t0) / 1_000_000, rows.size());
        rows.forEach(x -> System.out.println("A " + x));
        assertEquals(15, rows.size()); // 5 windows x 3 keys
        assertEquals(1000L, rows.stream().mapToLong(x -> (Long) x.getField("c")).sum());
    }

    /** Q2: unbounded read, 3 partitions, 2 idle; epoch-ns `evt.time` -> rowtime via computed column; idle timeout. */
    @Test void tumbleUnboundedIdlePartitions() throws Exception {
        var t = tenv();
        t.executeSql("CREATE TABLE b (`proc.name` STRING, `evt.time` BIGINT, "
                + "ts AS TO_TIMESTAMP_LTZ(`evt.time` / 1000000, 3), "
                + "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ("
                + "'connector'='kafka', 'topic'='rows_b', 'properties.bootstrap.servers'='" + kafka.bootstrap() + "', "
                + "'properties.group.id'='fb', 'format'='json', 'scan.startup.mode'='earliest-offset', "
                + "'scan.watermark.idle-timeout'='1 s')");
        long t0 = System.nanoTime();
        TableResult r = t.executeSql("SELECT window_start, `proc.name`, COUNT(*) AS c "
                + "FROM TABLE(TUMBLE(TABLE b, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, `proc.name`");
        // ts spans 0..4.995 s, watermark = max-1 s = 3.995 -> windows [0,1),[1,2),[2,3) are closed => 9 rows.
        List<Row> rows = drain(r, 9, 60_000);
        System.out.printf("TIMING unbounded first 9 rows=%d ms rows=%d%n", (System.nanoTime() - t0) / 1_000_000, rows.size());
        rows.forEach(x -> System.out.println("B " + x));
        FlinkKafkaSqlTest.cancelQuietly(r);
        assertEquals(9, rows.size());
    }

    /** Negative control: same as b but without idle timeout -> idle partitions hold the watermark back, no window closes. */
    @Test void tumbleUnboundedNoIdleTimeout() throws Exception {
        var t = tenv();
        t.executeSql("CREATE TABLE b2 (`proc.name` STRING, `evt.time` BIGINT, "
                + "ts AS TO_TIMESTAMP_LTZ(`evt.time` / 1000000, 3), "
                + "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ("
                + "'connector'='kafka', 'topic'='rows_b', 'properties.bootstrap.servers'='" + kafka.bootstrap() + "', "
                + "'properties.group.id'='fb2', 'format'='json', 'scan.startup.mode'='earliest-offset')");
        TableResult r = t.executeSql("SELECT window_start, `proc.name`, COUNT(*) AS c "
                + "FROM TABLE(TUMBLE(TABLE b2, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, `proc.name`");
        List<Row> rows = drain(r, 9, 15_000);
        System.out.println("NEG rows without idle-timeout after 15 s: " + rows.size());
        FlinkKafkaSqlTest.cancelQuietly(r);
        assertEquals(0, rows.size());
    }
}
