// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How {@code sysql fleet} and the hosts' {@code sysql agent}s talk: JSON messages on one Kafka topic (default
 * {@value #DEFAULT_TOPIC}), the fleet's own broker as its bus, no other server. A fleet query's {@code run} message
 * names its id, the SQL each host runs and the topic its rows go to; it is sent again every {@link #RENEW_MILLIS},
 * and a host stops a query whose last {@code run} is older than the lease (the fleet command is gone). {@code stop}
 * ends it at once. A host answers {@code running}, {@code stopped} (with its counts) or {@code failed} (with the
 * reason), so the fleet command says which hosts take part.
 *
 * <p>Whoever may write to the control topic may run read-only SQL on every agent: protect it with the broker's ACLs
 * (and TLS/SASL through {@code -X}).
 */
final class FleetControl {
    static final String DEFAULT_TOPIC = "sysql.fleet";
    static final long RENEW_MILLIS = 5_000;
    static final long LEASE_MILLIS = 20_000;

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private FleetControl() {}

    /** One message of the control topic. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Message(
            @JsonProperty("op") String op,
            @JsonProperty("query") String query,
            @JsonProperty("sql") String sql,
            @JsonProperty("topic") String topic,
            @JsonProperty("tick_column") String tickColumn,
            @JsonProperty("tick_lag_ms") Long tickLagMillis,
            @JsonProperty("lease_ms") Long leaseMillis,
            @JsonProperty("host.name") String hostName,
            @JsonProperty("host.id") String hostId,
            @JsonProperty("rows_read") Long rowsRead,
            @JsonProperty("rows_delivered") Long rowsDelivered,
            @JsonProperty("rows_not_delivered") Long rowsNotDelivered,
            @JsonProperty("detail") String detail) {
        static Message run(String query, String sql, String topic, String tickColumn, long tickLag) {
            return new Message(
                    "run",
                    query,
                    sql,
                    topic,
                    tickColumn,
                    tickColumn == null ? null : tickLag,
                    LEASE_MILLIS,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }

        static Message stop(String query) {
            return new Message("stop", query, null, null, null, null, null, null, null, null, null, null, null);
        }

        /** A host's answer: running, stopped (with its counts) or failed (with the reason in detail). */
        static Message answer(String op, String query, HostIdentity host, KafkaExport.Stats stats, String detail) {
            return new Message(
                    op,
                    query,
                    null,
                    null,
                    null,
                    null,
                    null,
                    host.name(),
                    host.id(),
                    stats == null ? null : stats.rowsRead(),
                    stats == null ? null : stats.rowsSent(),
                    stats == null ? null : stats.rowsRead() - stats.rowsSent(),
                    detail);
        }

        byte[] bytes() {
            try {
                return JSON.writeValueAsBytes(this);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The message a record holds, or null when it holds none (another program's record). */
        static Message of(byte[] value) {
            try {
                Message m = value == null ? null : JSON.readValue(value, Message.class);
                return m != null && m.op() != null && m.query() != null ? m : null;
            } catch (IOException e) {
                return null;
            }
        }
    }

    /** Sends a message (keyed by its query); false when the producer would not take it. */
    static boolean send(Producer<byte[], byte[]> producer, String topic, Message m) {
        try {
            var unused =
                    producer.send(new ProducerRecord<>(topic, m.query().getBytes(StandardCharsets.UTF_8), m.bytes()));
            return true;
        } catch (KafkaException e) {
            return false;
        }
    }

    /** The settings of a Kafka client of the fleet (admin, consumer): the brokers and what -X gave that it knows. */
    static Properties clientSettings(String bootstrap, Map<String, String> settings, java.util.Set<String> known) {
        Properties p = new Properties();
        settings.forEach((k, v) -> {
            if (known.contains(k)) {
                p.setProperty(k, v);
            }
        });
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    /** The -X settings none of Kafka's clients know (a typo), for a one-line refusal. */
    static List<String> unknownSettings(Map<String, String> settings) {
        List<String> unknown = new ArrayList<>();
        for (String k : settings.keySet()) {
            if (!ProducerConfig.configNames().contains(k)
                    && !ConsumerConfig.configNames().contains(k)
                    && !AdminClientConfig.configNames().contains(k)) {
                unknown.add(k);
            }
        }
        return unknown;
    }

    /** Makes the topics that do not exist yet (one partition each); waits up to 30 s for the broker. */
    static void createTopics(Properties admin, List<String> topics) throws IOException {
        try (Admin a = Admin.create(admin)) {
            List<NewTopic> create = topics.stream()
                    .map(t -> new NewTopic(t, Optional.of(1), Optional.empty()))
                    .toList();
            for (var f : a.createTopics(create).values().values()) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IOException(e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IOException("no broker answered in 30 s", e);
        } catch (KafkaException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Deletes a topic (a fleet query's own, at its end); quietly, within 10 s. */
    static void deleteTopic(Properties admin, String topic) {
        try (Admin a = Admin.create(admin)) {
            a.deleteTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            // the topic stays; the broker's retention removes its records
        }
    }

    /** A consumer of the control topic from its end: what is sent from now on (no group: every reader gets all). */
    static KafkaConsumer<byte[], byte[]> tail(Properties consumer, String topic) {
        KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            TopicPartition p = new TopicPartition(topic, 0);
            c.assign(List.of(p));
            c.seekToEnd(List.of(p));
            c.position(p, Duration.ofSeconds(30));
            return c;
        } catch (RuntimeException e) {
            c.close(CloseOptions.timeout(Duration.ZERO)); // an agent that tries again makes a new one
            throw e;
        }
    }

    /** The messages of one poll. */
    static List<Message> poll(KafkaConsumer<byte[], byte[]> consumer, long millis) {
        List<Message> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(millis))) {
            Message m = Message.of(r.value());
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }
}
