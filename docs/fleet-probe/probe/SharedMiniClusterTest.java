package probe;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.util.*;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.kafka.clients.producer.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One MiniCluster shared by all tests of the class (flink-test-utils), instead of one per job. */
class SharedMiniClusterTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test void jsonTumbleOnSharedCluster() throws Exception {
        EmbeddedKafka kafka = new EmbeddedKafka(Files.createTempDirectory("kraft").resolve("log"));
        kafka.start();
        try {
            try (var p = new KafkaProducer<String, String>(KafkaBrokerTest.producerProps(kafka.bootstrap()))) {
                for (int i = 0; i < 1000; i++)
                    p.send(new ProducerRecord<>("j", String.format("{\"proc.name\":\"p%d\",\"evt.time\":%d}", i % 4, (1_767_225_600_000L + i * 5L) * 1_000_000L)));
                p.flush();
            }
            long t0 = System.nanoTime();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(); // bound to the shared MiniCluster
            StreamTableEnvironment t = StreamTableEnvironment.create(env);
            t.executeSql("CREATE TABLE j (`proc.name` STRING, `evt.time` BIGINT, ts AS TO_TIMESTAMP_LTZ(`evt.time` / 1000000, 3), "
                    + "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector'='kafka', 'topic'='j', "
                    + "'properties.bootstrap.servers'='" + kafka.bootstrap() + "', 'format'='json', "
                    + "'scan.startup.mode'='earliest-offset', 'scan.bounded.mode'='latest-offset')");
            TableResult r = t.executeSql("SELECT window_start, `proc.name`, COUNT(*) c FROM TABLE(TUMBLE(TABLE j, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
                    + "GROUP BY window_start, window_end, `proc.name`");
            List<Row> rows = FlinkKafkaSqlTest.drain(r, 100, 60_000);
            System.out.printf("TIMING shared-cluster query=%d ms rows=%d%n", (System.nanoTime() - t0) / 1_000_000, rows.size());
            assertEquals(20, rows.size());
            assertEquals(1000L, rows.stream().mapToLong(x -> (Long) x.getField("c")).sum());
        } finally {
            kafka.stop();
        }
    }
}
