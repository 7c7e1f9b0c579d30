package probe;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.*;

import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.*;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class ArrowFormatTest {
    /** 10 Kafka records, each an Arrow IPC stream of 2 batches x 50 rows -> 1000 rows. */
    @Test void arrowRecordsToRows() throws Exception {
        EmbeddedKafka kafka = new EmbeddedKafka(Files.createTempDirectory("kraft").resolve("log"));
        kafka.start();
        try {
            Properties pp = KafkaBrokerTest.producerProps(kafka.bootstrap());
            pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            long baseNs = 1_767_225_600_000_000_000L; // 2026-01-01T00:00:00Z
            int n = 0;
            try (var alloc = new RootAllocator(); var p = new KafkaProducer<byte[], byte[]>(pp)) {
                for (int rec = 0; rec < 10; rec++) {
                    try (VarCharVector proc = new VarCharVector("proc.name", alloc); BigIntVector time = new BigIntVector("evt.time", alloc);
                         VectorSchemaRoot root = VectorSchemaRoot.of(proc, time)) {
                        ByteArrayOutputStream bos = new ByteArrayOutputStream();
                        try (ArrowStreamWriter w = new ArrowStreamWriter(root, null, bos)) {
                            w.start();
                            for (int batch = 0; batch < 2; batch++) {
                                proc.allocateNew(); time.allocateNew();
                                for (int i = 0; i < 50; i++, n++) {
                                    proc.setSafe(i, List.of("bash", "sshd").get(n % 2).getBytes(StandardCharsets.UTF_8));
                                    time.setSafe(i, baseNs + n * 5_000_000L); // 5 ms apart -> 1000 rows over 5 s
                                }
                                root.setRowCount(50);
                                w.writeBatch();
                            }
                            w.end();
                        }
                        p.send(new ProducerRecord<>("arrow", bos.toByteArray()));
                    }
                }
                p.flush();
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            StreamTableEnvironment t = StreamTableEnvironment.create(env);
            t.executeSql("CREATE TABLE a (`proc.name` STRING, `evt.time` BIGINT, ts AS TO_TIMESTAMP_LTZ(`evt.time` / 1000000, 3), "
                    + "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector'='kafka', 'topic'='arrow', "
                    + "'properties.bootstrap.servers'='" + kafka.bootstrap() + "', 'format'='sysql-arrow', "
                    + "'scan.startup.mode'='earliest-offset', 'scan.bounded.mode'='latest-offset')");
            TableResult r = t.executeSql("SELECT window_start, `proc.name`, COUNT(*) c FROM TABLE(TUMBLE(TABLE a, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
                    + "GROUP BY window_start, window_end, `proc.name`");
            List<Row> rows = FlinkKafkaSqlTest.drain(r, 100, 60_000);
            rows.forEach(x -> System.out.println("ARROW " + x));
            assertEquals(10, rows.size());
            assertEquals(1000L, rows.stream().mapToLong(x -> (Long) x.getField("c")).sum());
        } finally {
            kafka.stop();
        }
    }
}
