// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.util.LinkedHashMap;
import java.util.Map;
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
}
