// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import java.nio.file.Path;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Settings a connection gives its queries: {@code windowGroups}, the most groups one window of a streaming
 * aggregate may hold (beyond it the query fails with a clear error rather than the process running out of
 * memory); {@code snaplen}, the connection's snaplen, which over a capture file read with
 * {@code scap_file('path')} is the print length of buffer text as it is for the connection's own events; which
 * paths {@code scap_file('path')} may open: {@code anyFile}, every path the process can read (a local user's own
 * engine), else only the regular files under {@code scapDir} (a server's clients, {@code --scap-dir}), or none when
 * it is null; {@code statementBytes}, the most a statement's sorts, joins' build sides, windows, set operations
 * and value-keeping aggregates may hold, estimated from their rows ({@code MemoryBudget}: beyond it the statement
 * fails in one line); {@code fleetConfig}, the file of Kafka client settings (TLS, SASL...) and sysql's own fleet
 * settings that {@code TABLE(fleet(…))} reads, or null for the defaults; {@code fleetQueries}, whether
 * {@code TABLE(fleet(…))} may run at all (not for a server's clients: the server would connect out and run it).
 */
public record QuerySettings(
        int windowGroups,
        int snaplen,
        boolean anyFile,
        @Nullable Path scapDir,
        long statementBytes,
        @Nullable Path fleetConfig,
        boolean fleetQueries) {
    /**
     * Half the heap, as estimated (which counts a string shared by many rows once per row, so a statement at its
     * budget often holds much less): past it a statement leaves the rest to the others and to the capture.
     */
    public static final long DEFAULT_STATEMENT_BYTES = Runtime.getRuntime().maxMemory() / 2;

    public static final QuerySettings DEFAULT = new QuerySettings(100_000, 80);

    /** A connection that may read files by any path ({@code scap_file}): every one but a server's clients'. */
    public QuerySettings(int windowGroups, int snaplen) {
        this(windowGroups, snaplen, true, null, DEFAULT_STATEMENT_BYTES, null, true);
    }

    /** The same with another memory budget per statement. */
    public QuerySettings withStatementBytes(long bytes) {
        return new QuerySettings(windowGroups, snaplen, anyFile, scapDir, bytes, fleetConfig, fleetQueries);
    }

    /** The same with {@code TABLE(fleet(…))}'s settings from {@code file} (null: the defaults). */
    public QuerySettings withFleetConfig(@Nullable Path file) {
        return new QuerySettings(windowGroups, snaplen, anyFile, scapDir, statementBytes, file, fleetQueries);
    }

    /** The same without {@code TABLE(fleet(…))} (a server's clients). */
    public QuerySettings withoutFleetQueries() {
        return new QuerySettings(windowGroups, snaplen, anyFile, scapDir, statementBytes, fleetConfig, false);
    }

    /**
     * The same without {@code scap_file}: a server reads files as its own user (root), so its clients may not name
     * paths for it to open.
     */
    public QuerySettings withoutFiles() {
        return new QuerySettings(windowGroups, snaplen, false, null, statementBytes, fleetConfig, fleetQueries);
    }

    /**
     * The same with {@code scap_file} confined to the regular files under {@code dir} (a server's {@code
     * --scap-dir}); null: no file at all.
     */
    public QuerySettings withScapDir(@Nullable Path dir) {
        return new QuerySettings(windowGroups, snaplen, false, dir, statementBytes, fleetConfig, fleetQueries);
    }

    public QuerySettings {
        if (windowGroups <= 0) {
            throw new IllegalArgumentException("windowGroups must be positive, not " + windowGroups);
        }
        if (snaplen <= 0) {
            throw new IllegalArgumentException("snaplen must be positive, not " + snaplen);
        }
        if (statementBytes <= 0) {
            throw new IllegalArgumentException("statementBytes must be positive, not " + statementBytes);
        }
        if (anyFile && scapDir != null) {
            throw new IllegalArgumentException("scap_file reads any path or the files under " + scapDir + ", not both");
        }
    }

    /** These window limits with the default snaplen (80). */
    public QuerySettings(int windowGroups) {
        this(windowGroups, DEFAULT_SNAPLEN);
    }

    private static final int DEFAULT_SNAPLEN = 80;
}
