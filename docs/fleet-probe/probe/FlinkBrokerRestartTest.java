package probe;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.time.Instant;
import java.util.*;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.producer.*;
import org.junit.jupiter.api.Test;

/** A Flink SQL windowed GROUP BY keeps running while the broker is stopped 10 s mid-stream and restarted on the same port. */
class FlinkBrokerRestartTest {
    @Test void brokerRestartMidStream() throws Exception {
        EmbeddedKafka kafka = new EmbeddedKafka(Files.createTempDirectory("kraft").resolve("log"));
        kafka.start();
        try {
            try (Admin a = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
                a.createTopics(List.of(new NewTopic("rows_c", 1, (short) 1))).all().get();
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            StreamTableEnvironment t = StreamTableEnvironment.create(env);
            t.executeSql("CREATE TABLE c (`proc.name` STRING, `evt.time` BIGINT, ts AS TO_TIMESTAMP_LTZ(`evt.time` / 1000000, 3), "
                    + "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector'='kafka', 'topic'='rows_c', "
                    + "'properties.bootstrap.servers'='" + kafka.bootstrap() + "', 'properties.group.id'='fc', 'format'='json', "
                    + "'scan.startup.mode'='earliest-offset', 'scan.watermark.idle-timeout'='1 s')");
            TableResult r = t.executeSql("SELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE c, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
                    + "GROUP BY window_start, window_end");
            Instant base = Instant.parse("2026-01-01T00:00:00Z");
            Thread producer = new Thread(() -> {
                try (var p = new KafkaProducer<String, String>(KafkaBrokerTest.producerProps(kafka.bootstrap()))) {
                    for (int i = 0; i < 2000; i++) {
                        long ns = (base.toEpochMilli() + i * 10L) * 1_000_000L;
                        p.send(new ProducerRecord<>("rows_c", "{\"proc.name\":\"bash\",\"evt.time\":" + ns + "}"));
                        Thread.sleep(10);
                    }
                    p.flush();
                } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            });
            producer.start();
            Thread chaos = new Thread(() -> {
                try {
                    Thread.sleep(5000);
                    kafka.stop(); System.out.println("CHAOS broker stopped " + Instant.now());
                    Thread.sleep(10_000);
                    kafka.start(); System.out.println("CHAOS broker restarted " + Instant.now());
                } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            });
            chaos.start();
            long t0 = System.nanoTime();
            // ts spans 0..19.99 s -> watermark 18.99 s -> windows [0,1)..[17,18) close => 18 rows of 100 each
            List<Row> rows = FlinkKafkaSqlTest.drain(r, 18, 120_000);
            System.out.printf("TIMING restart test %d ms rows=%d%n", (System.nanoTime() - t0) / 1_000_000, rows.size());
            rows.forEach(x -> System.out.println("C " + x));
            FlinkKafkaSqlTest.cancelQuietly(r);
            producer.join(); chaos.join();
            assertEquals(18, rows.size());
            rows.forEach(x -> assertEquals(100L, x.getField("c")));
        } finally {
            kafka.stop();
        }
    }
}
