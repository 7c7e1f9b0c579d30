// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sysql.calcite.sql.FleetQueries;

/**
 * {@code sysql agent}: a host of a fleet. It takes the fleet queries {@code sysql fleet} sends on the control topic
 * ({@link FleetControl}) and runs each one's host part on this host's events (the daemon's when one runs, else a
 * capture of its own, or with {@code -r FILE --replay} a capture file played as if live), sending its rows to the
 * query's topic as {@code sysql export} does, until the query is stopped or its lease runs out.
 */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = {
            "Be a host of a fleet: run the host part of every 'sysql fleet' query.",
            "The queries come on the control topic; their rows go to each query's topic (Arrow record batches), until",
            "the query stops or Ctrl-C."
        })
final class AgentCommand implements Callable<Integer> {
    private static final String LABEL = "sysql agent";

    @Mixin
    ConnectOptions connect = new ConnectOptions();

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Mixin
    ControlTopicOption controlTopicOption = new ControlTopicOption();

    @Mixin
    HostOptions host = new HostOptions();

    /** Each fleet query reads the file of -r played as if live (a demo or test host). */
    @Mixin
    ReplayOptions replay = new ReplayOptions();

    @Option(
            names = "--max-queries",
            paramLabel = "N",
            defaultValue = "8",
            description = "Most fleet queries this host runs at once; others are refused (default ${DEFAULT-VALUE}).")
    int maxQueries;

    /** A fleet query this host runs. */
    private static final class Job {
        final FleetControl.Message run;
        final KafkaExport.Running running = new KafkaExport.Running();
        volatile long renewedNanos = System.nanoTime();
        volatile Thread thread;

        Job(FleetControl.Message run) {
            this.run = run;
        }
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /**
     * The queries that failed here or were stopped, newest last (at most 1000): a renewal does not start one of them
     * again (a host that cannot run a query says so once, not every few seconds).
     */
    private final Set<String> done = java.util.Collections.synchronizedSet(
            java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<String, Boolean>() {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 1000;
                }
            }));

    @Override
    public Integer call() {
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        String problem = problem();
        if (problem != null) {
            err.println(LABEL + ": " + problem);
            return 2;
        }
        Interrupts interrupts = Interrupts.install(() -> jobs.values().forEach(j -> j.running.stop()));
        try {
            int status = run(interrupts::raised, err);
            return interrupts.terminated() ? 143 : status;
        } finally {
            interrupts.close();
        }
    }

    /** What is wrong with the options, in words, or null (it also settles what they imply). */
    String problem() {
        List<String> unknown = FleetControl.unknownSettings(kafka.settings);
        if (!unknown.isEmpty()) {
            return "not a Kafka client setting: " + String.join(", ", unknown);
        }
        String replayProblem = replay.applyTo(connect);
        if (replayProblem != null) {
            return replayProblem;
        }
        if (maxQueries < 1) {
            return "--max-queries " + maxQueries + " is out of range: 1 or more";
        }
        connect.noCaptureFiles = true; // the SQL comes from the control topic: it reads this host's events only
        return null;
    }

    /** The first wait of {@link #runRetrying} after a failure; each further one doubles it up to a minute. */
    static final long RETRY_FIRST_MILLIS = 5_000;

    static final long RETRY_MAX_MILLIS = 60_000;

    /**
     * {@link #run} again after each failure (the broker unreachable, the control topic lost; not a wrong setting)
     * until {@code stop} says so, waiting {@link #RETRY_FIRST_MILLIS} and then twice as long each time up to {@link #RETRY_MAX_MILLIS} (again
     * from the first after a run that lasted longer than that): a daemon's fleet agent comes back with its broker.
     */
    void runRetrying(BooleanSupplier stop, PrintWriter err) {
        long wait = RETRY_FIRST_MILLIS;
        while (!stop.getAsBoolean()) {
            long started = System.nanoTime();
            if (run(stop, err) == 2) {
                err.println(LABEL + ": not trying again until the settings are mended");
                return;
            }
            if (System.nanoTime() - started > RETRY_MAX_MILLIS * 1_000_000L) {
                wait = RETRY_FIRST_MILLIS;
            }
            if (stop.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                return;
            }
            err.println(LABEL + ": trying the control topic again in " + wait / 1000 + " s");
            long until = System.nanoTime() + wait * 1_000_000L;
            try {
                while (!stop.getAsBoolean() && System.nanoTime() < until) {
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            wait = Math.min(RETRY_MAX_MILLIS, wait * 2);
        }
    }

    /**
     * Takes fleet queries until {@code stop} says so: 0, or 1 when the control topic cannot be reached, or 2 when a
     * Kafka setting is wrong (said on {@code err} in one line).
     */
    int run(BooleanSupplier stop, PrintWriter err) {
        HostIdentity host = this.host.identity();
        Properties admin =
                FleetControl.clientSettings(kafka.bootstrap, kafka.settings, AdminClientConfig.configNames());
        Properties consumerSettings =
                FleetControl.clientSettings(kafka.bootstrap, kafka.settings, ConsumerConfig.configNames());
        Properties producerSettings = KafkaOptions.producerDefaults("sysql-agent");
        producerSettings.putAll(
                FleetControl.clientSettings(kafka.bootstrap, kafka.settings, ProducerConfig.configNames()));
        Producer<byte[], byte[]> producer = null;
        KafkaConsumer<byte[], byte[]> control;
        try {
            FleetControl.createTopics(admin, List.of(controlTopicOption.controlTopic));
            producer = new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
            control = FleetControl.tail(consumerSettings, controlTopicOption.controlTopic);
        } catch (IOException | KafkaException e) {
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            if (KafkaOptions.settingsProblem(e) != null) {
                err.println(LABEL + ": a Kafka setting is wrong: " + KafkaOptions.settingsProblem(e) + " (check -X)");
                return 2;
            }
            err.println(LABEL + ": cannot reach the control topic " + controlTopicOption.controlTopic + " at "
                    + kafka.bootstrap + ": " + KafkaOptions.firstLine(e) + " (check -b and -X)");
            return 1;
        }
        serve(host, producer, control, stop, err);
        return 0;
    }

    /**
     * Takes fleet queries until {@code stop} says so (or the control topic fails), then stops those it runs and
     * closes the clients.
     */
    private void serve(
            HostIdentity host,
            Producer<byte[], byte[]> producer,
            KafkaConsumer<byte[], byte[]> control,
            BooleanSupplier stop,
            PrintWriter err) {
        err.println(LABEL + ": host " + host.name() + " (" + host.id() + ") takes fleet queries from "
                + controlTopicOption.controlTopic + " at " + kafka.bootstrap);
        try (control) {
            while (!stop.getAsBoolean()) {
                for (FleetControl.Message m : FleetControl.poll(control, 500)) {
                    handle(m, host, producer, err);
                }
                long now = System.nanoTime();
                for (Job j : jobs.values()) {
                    long lease = j.run.leaseMillis() == null
                            ? FleetControl.LEASE_MILLIS
                            : Math.max(5_000, Math.min(60_000, j.run.leaseMillis()));
                    if (now - j.renewedNanos > lease * 1_000_000L && !j.running.stopped()) {
                        err.println(LABEL + ": fleet query " + j.run.query() + " was not renewed for " + lease / 1000
                                + " s (its sysql fleet is gone): stopping it");
                        j.running.stop();
                    }
                }
            }
        } catch (KafkaException e) {
            err.println(LABEL + ": the control topic failed: " + KafkaOptions.firstLine(e));
        } finally {
            jobs.values().forEach(j -> j.running.stop());
            for (Job j : jobs.values()) {
                try {
                    j.thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            // a query still ending (its statement slow to cancel) is no longer this agent's: a retry's control topic
            // may start it again, and it does not count against --max-queries there
            jobs.clear();
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(FleetControl.Message m, HostIdentity host, Producer<byte[], byte[]> producer, PrintWriter err) {
        Job known = jobs.get(m.query());
        switch (m.op()) {
            case "run" -> {
                if (known != null) {
                    known.renewedNanos = System.nanoTime();
                    return;
                }
                if (m.sql() == null || m.topic() == null || done.contains(m.query())) {
                    return;
                }
                // a fleet command's own: its id, and the topic named after it (never another topic the agent may
                // write to)
                if (!m.query().matches("q[0-9a-f]{16}")
                        || !m.topic().equals(controlTopicOption.controlTopic + "." + m.query())) {
                    return;
                }
                if (jobs.size() >= maxQueries) {
                    done.add(m.query());
                    FleetControl.send(
                            producer,
                            controlTopicOption.controlTopic,
                            FleetControl.Message.answer(
                                    "failed",
                                    m.query(),
                                    host,
                                    null,
                                    "this host runs " + jobs.size() + " fleet queries, its most (--max-queries)"));
                    return;
                }
                Job job = new Job(m);
                jobs.put(m.query(), job);
                Thread t = new Thread(() -> runJob(job, host, producer, err), "sysql-agent-" + m.query());
                t.setDaemon(true);
                job.thread = t;
                t.start();
            }
            case "stop" -> {
                done.add(m.query());
                if (known != null) {
                    known.running.stop();
                }
            }
            default -> {
                // the hosts' own answers, and what a later version sends
            }
        }
    }

    /** Runs one fleet query's host part until it ends, is stopped or fails; answers on the control topic. */
    private void runJob(Job job, HostIdentity host, Producer<byte[], byte[]> producer, PrintWriter err) {
        FleetControl.Message m = job.run;
        KafkaExport export = new KafkaExport(producer, m.topic(), KafkaExport.Format.ARROW, host);
        if (m.tickColumn() != null && m.tickLagMillis() != null) {
            export.ticks(new KafkaExport.Ticks(m.tickColumn(), m.tickLagMillis()));
        }
        export.onStreaming(() -> FleetControl.send(
                producer,
                controlTopicOption.controlTopic,
                FleetControl.Message.answer("running", m.query(), host, null, null)));
        err.println(LABEL + ": running fleet query " + m.query() + ": " + printable(m.sql()));
        String failure = null;
        try (BufferAllocator allocator = new RootAllocator();
                Connection c = connect.connectForQueries();
                Statement st = c.createStatement()) {
            job.running.started(st);
            // only what a fleet command sends: a SELECT STREAM of this host's events (and scap_file is off)
            FleetQueries.split(m.sql());
            try (ResultSet rs = st.executeQuery(m.sql())) {
                export.run(rs, allocator, KafkaExport.Batching.DEFAULTS, job.running, () -> {});
            }
        } catch (SQLException | RuntimeException e) {
            if (!job.running.stopped()) {
                failure = KafkaOptions.firstLine(e);
            }
        } finally {
            export.flush(10_000);
            jobs.remove(m.query());
            KafkaExport.Stats s = export.stats();
            if (failure != null) {
                done.add(m.query());
                err.println(LABEL + ": fleet query " + m.query() + " failed: " + failure);
                FleetControl.send(
                        producer,
                        controlTopicOption.controlTopic,
                        FleetControl.Message.answer("failed", m.query(), host, s, failure));
            } else {
                err.println(LABEL + ": fleet query " + m.query() + " stopped: " + s.rowsRead() + " rows read, "
                        + s.rowsSent() + " delivered");
                FleetControl.send(
                        producer,
                        controlTopicOption.controlTopic,
                        FleetControl.Message.answer("stopped", m.query(), host, s, null));
            }
        }
    }

    /** Text from the control topic as one line of the log: control characters shown as '?'. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(2000).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }
}
