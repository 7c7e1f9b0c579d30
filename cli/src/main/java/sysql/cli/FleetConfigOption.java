// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --fleet-config FILE} of the commands that run SQL ({@code shell}, {@code query}): the settings of their
 * {@code TABLE(fleet(…))} queries (the connection's {@code fleetConfig}).
 */
final class FleetConfigOption {
    @Option(
            names = "--fleet-config",
            paramLabel = "FILE.properties",
            description = "Settings of TABLE(fleet(...)) queries: Kafka client settings (security.protocol=SASL_SSL,"
                    + " ssl.truststore.location=...) and sysql.control.topic, sysql.lateness (seconds).")
    Path fleetConfig;

    /** {@code connect}'s connections get it. */
    ConnectOptions applyTo(ConnectOptions connect) {
        connect.fleetConfig = fleetConfig;
        return connect;
    }
}
