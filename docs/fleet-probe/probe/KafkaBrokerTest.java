package probe;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.serialization.*;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {
    static Properties producerProps(String bs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000"); // survive a 10 s broker outage
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        return p;
    }
    static Properties consumerProps(String bs, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }
    static int consumeAll(String bs, String topic, int expected, long timeoutMs) {
        int n = 0;
        try (var c = new KafkaConsumer<String, String>(consumerProps(bs, "g-" + UUID.randomUUID()))) {
            c.subscribe(List.of(topic));
            long end = System.currentTimeMillis() + timeoutMs;
            while (n < expected && System.currentTimeMillis() < end) n += c.poll(Duration.ofMillis(500)).count();
        }
        return n;
    }

    @Test
    void produceConsumeAndRestart() throws Exception {
        Path dir = Files.createTempDirectory("kraft");
        long t0 = System.nanoTime();
        EmbeddedKafka k = new EmbeddedKafka(dir.resolve("log"));
        long tFormat = System.nanoTime();
        k.start();
        long tStart = System.nanoTime();
        System.out.printf("TIMING format=%d ms startup=%d ms port=%d%n", (tFormat - t0) / 1_000_000, (tStart - tFormat) / 1_000_000, k.port);
        try {
            long t1 = System.nanoTime();
            try (var p = new KafkaProducer<String, String>(producerProps(k.bootstrap()))) {
                for (int i = 0; i < 1000; i++) p.send(new ProducerRecord<>("t1", "k" + (i % 5), "v" + i));
                p.flush();
            }
            long t2 = System.nanoTime();
            int got = consumeAll(k.bootstrap(), "t1", 1000, 30000);
            System.out.printf("TIMING produce1000=%d ms consume=%d ms got=%d%n", (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000, got);
            assertEquals(1000, got);

            // ---- stop the broker 10 s mid-stream while a producer keeps sending, restart on the same port ----
            AtomicInteger acked = new AtomicInteger(), failed = new AtomicInteger();
            try (var p = new KafkaProducer<String, String>(producerProps(k.bootstrap()))) {
                Thread sender = new Thread(() -> {
                    for (int i = 0; i < 300; i++) {
                        p.send(new ProducerRecord<>("t2", "v" + i), (md, e) -> { if (e == null) acked.incrementAndGet(); else { failed.incrementAndGet(); System.out.println("SEND FAIL " + e); } });
                        try { Thread.sleep(50); } catch (InterruptedException e) { return; }
                    }
                });
                sender.start();
                Thread.sleep(3000);
                long s0 = System.nanoTime();
                k.stop();
                System.out.printf("TIMING stop=%d ms (acked so far %d)%n", (System.nanoTime() - s0) / 1_000_000, acked.get());
                Thread.sleep(10_000);
                long r0 = System.nanoTime();
                k.start();
                System.out.printf("TIMING restart=%d ms%n", (System.nanoTime() - r0) / 1_000_000);
                sender.join();
                p.flush();
            }
            System.out.printf("RESTART acked=%d failed=%d%n", acked.get(), failed.get());
            assertEquals(300, acked.get());
            int got2 = consumeAll(k.bootstrap(), "t2", 300, 30000);
            System.out.println("RESTART consumed=" + got2);
            assertTrue(got2 >= 300);
            assertEquals(1000, consumeAll(k.bootstrap(), "t1", 1000, 30000), "t1 data survives restart");
        } finally {
            k.stop();
        }
    }
}
