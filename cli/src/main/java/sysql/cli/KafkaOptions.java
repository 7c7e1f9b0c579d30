// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Option;

/** Where the Kafka commands ({@code export}, {@code agent}, {@code fleet}) find their brokers, and their settings. */
final class KafkaOptions {
    @Option(
            names = {"-b", "--bootstrap-server"},
            paramLabel = "HOST:PORT[,...]",
            required = true,
            description = "The Kafka brokers (the clients' bootstrap.servers).")
    String bootstrap;

    @Option(
            names = "-X",
            paramLabel = "SETTING=VALUE",
            description = "A Kafka client setting (acks=all, compression.type=zstd, security.protocol=SSL,"
                    + " sasl.mechanism=..., ssl.truststore.location=...), given to each client that knows it; may be"
                    + " repeated. A setting no Kafka client knows is refused.")
    Map<String, String> settings = new LinkedHashMap<>();

    /**
     * sysql's own producer settings under the user's: lz4 compression, a short linger (the batches are sysql's own),
     * and a wait of 1 s at most for room in the producer's buffer or the topic's metadata (past it a batch is counted
     * as not delivered, and the export goes on).
     */
    static Properties producerDefaults(String clientId) {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
        p.setProperty(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    /**
     * What is wrong with a Kafka client's settings, when that is why {@code e} happened (a value Kafka refuses, such
     * as a timeout below another it must not be below), in one line; else null.
     */
    static String settingsProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // a broker name DNS does not know (yet) is an absent broker, not a wrong setting: Kafka's clients say
            // "No resolvable bootstrap urls" with a ConfigException
            if (t instanceof ConfigException
                    && (t.getMessage() == null || !t.getMessage().contains("resolvable"))) {
                return firstLine(t);
            }
        }
        return null;
    }

    /**
     * The first line of what went wrong, for a one-line error: the message of {@code e}, or of its first cause that
     * has one (Kafka's and Flink's wrap theirs), without the lines after it.
     */
    static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        // Kafka's "Failed to construct kafka producer" says nothing of the setting it refused
        String setting = t instanceof ConfigException ? null : settingsProblem(t);
        return setting == null || m.contains(setting) ? m : m + ": " + setting;
    }
}
