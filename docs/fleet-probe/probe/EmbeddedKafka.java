package probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/** Single-node KRaft (combined broker+controller) Kafka 4.x, in-process. Restartable on the same ports/log dir. */
public final class EmbeddedKafka implements AutoCloseable {
    public final int port, controllerPort;
    public final Path logDir;
    private final Properties props = new Properties();
    private KafkaRaftServer server;

    public EmbeddedKafka(Path logDir) throws IOException {
        this.logDir = logDir;
        this.port = freePort();
        this.controllerPort = freePort();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        format();
    }

    public String bootstrap() { return "127.0.0.1:" + port; }

    private void format() throws IOException {
        Path cfg = logDir.resolveSibling(logDir.getFileName() + ".properties");
        try (var out = Files.newOutputStream(cfg)) { props.store(out, null); }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", cfg.toString()},
                new PrintStream(buf));
        if (rc != 0) throw new IllegalStateException("format failed: " + buf);
    }

    public synchronized void start() {
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
    }

    public synchronized void stop() {
        if (server != null) { server.shutdown(); server.awaitShutdown(); server = null; }
    }

    @Override public void close() { stop(); }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) { s.setReuseAddress(true); return s.getLocalPort(); }
    }
}
