// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import sysql.calcite.fleet.FleetStreams;
import sysql.calcite.sql.FleetQueries;

/**
 * One running fleet query: its topic, the Flink job of its global part ({@link FleetPlan}, on Flink's local cluster
 * in this process), the control thread that sends the host part to the agents every few seconds and says what they
 * answer, and the rows as the job emits them ({@link #poll}). {@link #close} stops it all: the job is cancelled, the
 * hosts are told to stop, the query's topic is deleted. {@code sysql fleet} prints its rows; SQL's {@code
 * TABLE(fleet(…))} reads them ({@link FleetSqlStreams}).
 */
final class FleetJob implements FleetStreams.Cursor {
    /** How to reach the fleet. */
    record Settings(String bootstrap, String controlTopic, Map<String, String> kafka, Duration lateness) {}

    private static final Object[] END = new Object[0];
    /** How long the hosts have to act on the stop before the query's topic is deleted. */
    private static final long STOP_GRACE_MILLIS = 2_000;

    private final String id;
    private final String topic;
    private final Settings settings;
    private final FleetQueries.Split split;
    private final PrintWriter log;
    private final Properties admin;
    private final Producer<byte[], byte[]> producer;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private final BlockingQueue<Object[]> rows = new ArrayBlockingQueue<>(1024);
    private volatile JobClient job;
    private volatile CloseableIterator<Row> results;
    private volatile Throwable failure;
    private volatile boolean ended;
    private Thread control;
    private Thread reader;
    private long taken;

    private FleetJob(FleetQueries.Split split, Settings settings, PrintWriter log) {
        this.id = "q" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        this.topic = settings.controlTopic() + "." + id;
        this.settings = settings;
        this.split = split;
        this.log = log;
        this.admin =
                FleetControl.clientSettings(settings.bootstrap(), settings.kafka(), AdminClientConfig.configNames());
        Properties p =
                FleetControl.clientSettings(settings.bootstrap(), settings.kafka(), ProducerConfig.configNames());
        p.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Starts {@code split} (whose host part's columns have the Flink types {@code columns}) over the fleet; says on
     * {@code log} which hosts run it.
     *
     * @throws IOException when the broker cannot be reached or the Flink job cannot start
     */
    static FleetJob start(FleetQueries.Split split, Map<String, String> columns, Settings settings, PrintWriter log)
            throws IOException {
        FleetJob j;
        try {
            j = new FleetJob(split, settings, log);
        } catch (KafkaException e) {
            throw new IOException("cannot make a Kafka producer: " + e.getMessage(), e);
        }
        try {
            j.run(columns);
            return j;
        } catch (IOException | RuntimeException e) {
            j.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private void run(Map<String, String> columns) throws IOException {
        Map<String, String> source = new LinkedHashMap<>();
        settings.kafka().forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                source.put(k, v);
            }
        });
        FleetPlan plan = FleetPlan.of(
                split, columns, topic, settings.bootstrap(), "sysql-fleet-" + id, settings.lateness(), source);
        FleetControl.createTopics(admin, List.of(settings.controlTopic(), topic));
        // Janino's default compiler is a static of commons-compiler that Flink's planner takes from the class path:
        // made by the application's class loader it is found; made first by the planner's own loader it is not
        try {
            org.codehaus.commons.compiler.CompilerFactoryFactory.getDefaultCompilerFactory(
                    FleetJob.class.getClassLoader());
        } catch (Exception e) {
            throw new IOException("Janino's compiler, which Flink's planner needs, is missing: " + e.getMessage(), e);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment flink = StreamTableEnvironment.create(env);
        flink.getConfig().set("table.local-time-zone", "UTC");
        flink.executeSql(plan.ddl());
        TableResult result = flink.executeSql(plan.globalSql());
        job = result.getJobClient().orElse(null);
        results = result.collect();
        // the consumer is the control thread's from here on (made once nothing else can fail)
        KafkaConsumer<byte[], byte[]> answers = FleetControl.tail(
                FleetControl.clientSettings(settings.bootstrap(), settings.kafka(), ConsumerConfig.configNames()),
                settings.controlTopic());
        FleetControl.Message run =
                FleetControl.Message.run(id, split.hostSql(), topic, plan.tickColumn(), plan.tickLagMillis());
        control = new Thread(() -> control(answers, run), "sysql-fleet-control");
        control.setDaemon(true);
        control.start();
        log.println("sysql fleet: query " + id + " sent to the hosts on " + settings.controlTopic()
                + "; their rows go to " + topic);
        reader = new Thread(this::read, "sysql-fleet-rows");
        reader.setDaemon(true);
        reader.start();
    }

    /** Moves the job's rows into {@link #rows} until they end, fail or the query stops. */
    private void read() {
        try {
            CloseableIterator<Row> it = results;
            while (!stopping.get() && it.hasNext()) {
                Row r = it.next();
                Object[] values = new Object[r.getArity()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = r.getField(i);
                }
                while (!stopping.get() && !rows.offer(values, 100, TimeUnit.MILLISECONDS)) {
                    // the reader of the rows is behind: Flink's collect waits with us
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopping.get()) {
                failure = e;
            }
        } finally {
            // nobody may be taking rows any more (the query stopped): then make room for the end
            try {
                while (!rows.offer(END, 100, TimeUnit.MILLISECONDS)) {
                    if (stopping.get()) {
                        rows.clear();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The labels of the rows' columns. */
    List<String> labels() {
        return split.outputs().stream().map(FleetQueries.Output::label).toList();
    }

    @Override
    public Object[] poll(long millis) throws IOException {
        if (ended || split.limit() == 0) {
            ended = true;
            return null;
        }
        Object[] row;
        try {
            row = rows.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (row == END) {
            ended = true;
            Throwable f = failure;
            if (f != null) {
                throw new IOException("the fleet query's Flink job failed: " + KafkaOptions.firstLine(f), f);
            }
            return null;
        }
        if (row != null && split.limit() >= 0 && ++taken >= split.limit()) {
            ended = true;
        }
        return row;
    }

    @Override
    public boolean ended() {
        return ended;
    }

    /** Renews the query every few seconds and says what the hosts answer, until it stops; owns the consumer. */
    private void control(KafkaConsumer<byte[], byte[]> answers, FleetControl.Message run) {
        long renewed = 0;
        try (answers) {
            while (!stopping.get()) {
                long now = System.nanoTime();
                if (now - renewed >= FleetControl.RENEW_MILLIS * 1_000_000L) {
                    FleetControl.send(producer, settings.controlTopic(), run);
                    renewed = now;
                }
                for (FleetControl.Message m : FleetControl.poll(answers, 500)) {
                    if (!id.equals(m.query())) {
                        continue;
                    }
                    String who = "host " + m.hostName() + " (" + m.hostId() + ")";
                    switch (m.op()) {
                        case "running" -> log.println("sysql fleet: " + who + " runs the query");
                        case "stopped" ->
                            log.println("sysql fleet: " + who + " stopped: " + m.rowsRead() + " rows read, "
                                    + m.rowsDelivered() + " delivered");
                        case "failed" -> log.println("sysql fleet: " + who + " could not run the query: " + m.detail());
                        default -> {
                            // the fleet's own messages
                        }
                    }
                }
            }
        } catch (KafkaException e) {
            if (!stopping.get()) {
                log.println("sysql fleet: the control topic failed: " + KafkaOptions.firstLine(e));
            }
        }
    }

    /** Stops the query everywhere (once): the Flink job, the hosts' parts, the topic. */
    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            // another thread closes (Ctrl-C's): wait for it, so that the process does not end before the hosts are
            // told to stop and the topic is deleted
            try {
                closed.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            stop();
        } finally {
            closed.countDown();
        }
    }

    private void stop() {
        ended = true;
        JobClient j = job;
        if (j != null) {
            var unused = j.cancel();
        }
        CloseableIterator<Row> it = results;
        if (it != null) {
            try {
                it.close();
            } catch (Exception e) {
                // the job is going away either way
            }
        }
        try {
            if (control != null) {
                control.join(5_000);
            }
            if (reader != null) {
                reader.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        FleetControl.send(producer, settings.controlTopic(), FleetControl.Message.stop(id));
        try {
            producer.flush();
            producer.close(Duration.ofSeconds(5));
        } catch (KafkaException e) {
            // the hosts' leases end the query there
        }
        try {
            // the hosts' last records (a tick, a flush) would make the broker create the topic again
            Thread.sleep(STOP_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        FleetControl.deleteTopic(admin, topic);
    }
}
