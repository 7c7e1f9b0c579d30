// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import picocli.CommandLine.Option;
import sysql.server.ServerLimits;

/** What a server lets each client hold and do ({@code sysql serve}, {@code sysql daemon}). */
final class LimitOptions {
    @Option(
            names = "--max-statements",
            paramLabel = "N",
            defaultValue = "256",
            description = "Open statements in all (default ${DEFAULT-VALUE}).")
    int maxStatements;

    @Option(
            names = "--max-statements-per-connection",
            paramLabel = "N",
            defaultValue = "16",
            description = "Open statements per connection (default ${DEFAULT-VALUE}).")
    int maxStatementsPerConnection;

    @Option(
            names = "--max-buffered-rows",
            paramLabel = "N",
            defaultValue = "10000",
            description =
                    "Rows buffered per result set for a client (default ${DEFAULT-VALUE}); a stream then drops and counts.")
    int maxBufferedRows;

    @Option(
            names = "--max-buffered-mb",
            paramLabel = "MiB",
            defaultValue = "16",
            description = "Memory buffered per result set for a client (default ${DEFAULT-VALUE}).")
    int maxBufferedMiB;

    @Option(
            names = "--idle-timeout",
            paramLabel = "S",
            defaultValue = "30",
            description =
                    "A statement not used (fetched) for this long is closed, freeing its capture (default ${DEFAULT-VALUE}).")
    int idleTimeout;

    @Option(
            names = "--connection-idle-timeout",
            paramLabel = "S",
            defaultValue = "600",
            description = "A connection without any request for this long is closed (default ${DEFAULT-VALUE}).")
    int connectionIdleTimeout;

    @Option(
            names = "--allow-scap-file",
            description = "Let clients read capture files by path (scap_file('path')), opened as this server's user.")
    boolean allowScapFile;

    /** {@code engine} with what clients may do set in it. */
    java.util.Properties clientRights(java.util.Properties engine) {
        engine.setProperty("scapFile", allowScapFile ? "on" : "off");
        return engine;
    }

    ServerLimits limits() {
        return new ServerLimits(
                maxStatementsPerConnection,
                maxStatements,
                maxBufferedRows,
                (long) maxBufferedMiB << 20,
                idleTimeout,
                connectionIdleTimeout);
    }
}
