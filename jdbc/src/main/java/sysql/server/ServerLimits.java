// SPDX-License-Identifier: Apache-2.0
package sysql.server;

/**
 * What one server and each of its clients may hold: open statements per connection and in all, rows and
 * bytes buffered per result set, how long a statement may go without a fetch and a connection without any
 * request before the server closes it, and how long a query (not a stream) may run.
 */
public record ServerLimits(
        int statementsPerConnection,
        int statements,
        int bufferedRows,
        long bufferedBytes,
        int statementIdleSeconds,
        int connectionIdleSeconds,
        int statementSeconds) {
    /** A query may run 5 minutes by default. */
    public static final int DEFAULT_STATEMENT_SECONDS = 300;

    public static ServerLimits defaults() {
        return new ServerLimits(16, 256, 10_000, 16L << 20, 30, 600, DEFAULT_STATEMENT_SECONDS);
    }

    /** These limits, queries running at most the default time. */
    public ServerLimits(
            int statementsPerConnection,
            int statements,
            int bufferedRows,
            long bufferedBytes,
            int statementIdleSeconds,
            int connectionIdleSeconds) {
        this(
                statementsPerConnection,
                statements,
                bufferedRows,
                bufferedBytes,
                statementIdleSeconds,
                connectionIdleSeconds,
                DEFAULT_STATEMENT_SECONDS);
    }

    public ServerLimits {
        positive(statementSeconds, "statement time");
        positive(statementsPerConnection, "statements per connection");
        positive(statements, "statements");
        positive(bufferedRows, "buffered rows");
        positive(bufferedBytes, "buffered bytes");
        positive(statementIdleSeconds, "statement idle timeout");
        positive(connectionIdleSeconds, "connection idle timeout");
    }

    private static void positive(long v, String what) {
        if (v <= 0) {
            throw new IllegalArgumentException("the limit on " + what + " must be positive, not " + v);
        }
    }
}
