// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.nio.file.Path;
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
            names = "--max-statements-per-user",
            paramLabel = "N",
            defaultValue = "" + ServerLimits.DEFAULT_STATEMENTS_PER_USER,
            description = "Open statements per user (default ${DEFAULT-VALUE}).")
    int maxStatementsPerUser;

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            defaultValue = "" + ServerLimits.DEFAULT_CONNECTIONS,
            description = "Open connections (JDBC sessions) in all (default ${DEFAULT-VALUE}); more are refused, none "
                    + "is closed to make room.")
    int maxConnections;

    @Option(
            names = "--max-connections-per-user",
            paramLabel = "N",
            defaultValue = "" + ServerLimits.DEFAULT_CONNECTIONS_PER_USER,
            description = "Open connections per user (default ${DEFAULT-VALUE}): an authenticated user, or a local one "
                    + "without --auth.")
    int maxConnectionsPerUser;

    @Option(
            names = "--max-heap-percent",
            paramLabel = "P",
            defaultValue = "" + ServerLimits.DEFAULT_HEAP_PERCENT,
            description = "When more than P%% of the heap survives a collection, the query (not stream) running "
                    + "longest is stopped with a one-line error (default ${DEFAULT-VALUE}).")
    int maxHeapPercent;

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
            names = "--statement-timeout",
            paramLabel = "S",
            defaultValue = "300",
            description = "A query (not a stream) running longer than this is stopped with an error (default "
                    + "${DEFAULT-VALUE}).")
    int statementTimeout;

    @Option(
            names = "--max-statement-memory",
            paramLabel = "MiB",
            description = "Rows one statement's sorts, joins' build sides, windows, set operations and value-keeping "
                    + "aggregates may keep, estimated from the rows (default half the heap); past it the "
                    + "statement is stopped with a one-line error.")
    Integer maxStatementMemory;

    @Option(
            names = "--scap-dir",
            paramLabel = "DIR",
            description = "Let clients read the capture files under DIR (scap_file('name'), relative to DIR): only "
                    + "regular files there, opened as this server's user; without it clients read no file.")
    Path scapDir;

    /** {@code engine} with what clients may do set in it. */
    java.util.Properties clientRights(java.util.Properties engine) {
        engine.setProperty("scapFile", "off");
        if (maxStatementMemory != null) {
            if (maxStatementMemory < 1) {
                throw new IllegalArgumentException(
                        "--max-statement-memory " + maxStatementMemory + " is not positive: give 1 or more (MiB)");
            }
            engine.setProperty("statementMemory", String.valueOf(maxStatementMemory));
        }
        if (scapDir != null) {
            engine.setProperty("scapDir", scapDir.toAbsolutePath().normalize().toString());
        } else {
            engine.remove("scapDir");
        }
        return engine;
    }

    ServerLimits limits() {
        return new ServerLimits(
                maxStatementsPerConnection,
                maxStatements,
                maxBufferedRows,
                (long) maxBufferedMiB << 20,
                idleTimeout,
                connectionIdleTimeout,
                statementTimeout,
                maxConnections,
                maxConnectionsPerUser,
                maxStatementsPerUser,
                maxHeapPercent);
    }
}
