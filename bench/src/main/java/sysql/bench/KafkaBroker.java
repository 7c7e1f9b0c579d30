// SPDX-License-Identifier: Apache-2.0
package sysql.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka broker for bench/fleet-bench.sh: Apache Kafka's own server in KRaft mode (one node, broker and
 * controller), on loopback ports of its own, its logs in {@code DIR/logs}. Once it is up it writes its address to
 * {@code DIR/bootstrap}; it runs until it is killed (SIGTERM stops it cleanly: {@code kafka.Kafka}'s own main runs
 * it). Same settings as the integration
 * tests' broker (integration-tests' EmbeddedKafka); topics keep the producer's compression (lz4 from sysql export).
 *
 * <p>Usage: {@code KafkaBroker DIR}
 */
public final class KafkaBroker {
    private KafkaBroker() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KafkaBroker DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        int port = freePort();
        int controllerPort = freePort();
        Properties settings = new Properties();
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", "1");
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("log.dirs", dir.resolve("logs").toString());
        settings.put("num.partitions", "1");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("auto.create.topics.enable", "true");
        Path config = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            settings.store(out, "sysql's bench broker");
        }
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        int rc = StorageTool.execute(
                new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                new PrintStream(said, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("kafka-storage format failed: " + said.toString(StandardCharsets.UTF_8));
        }
        Thread ready = new Thread(() -> announce(dir, port), "announce");
        ready.setDaemon(true);
        ready.start();
        kafka.Kafka.main(new String[] {config.toString()}); // until SIGTERM: Kafka's own hook shuts it down
    }

    /** Writes DIR/bootstrap once the broker takes connections. */
    private static void announce(Path dir, int port) {
        try {
            while (true) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.shutdownOutput();
                    break;
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            Path tmp = dir.resolve("bootstrap.tmp");
            Files.writeString(tmp, "127.0.0.1:" + port + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve("bootstrap"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
