// SPDX-License-Identifier: Apache-2.0
package sysql.server;

/**
 * What one server and each of its clients may hold: open statements per connection, per user and in all, open
 * connections per user and in all, rows and bytes buffered per result set, how long a statement may go without
 * a fetch and a connection without any request before the server closes it, and how long a query (not a stream)
 * may run. Work over a limit is refused; nobody's connection or statement is closed to make room.
 */
public record ServerLimits(
        int statementsPerConnection,
        int statements,
        int bufferedRows,
        long bufferedBytes,
        int statementIdleSeconds,
        int connectionIdleSeconds,
        int statementSeconds,
        int connections,
        int connectionsPerUser,
        int statementsPerUser,
        int heapPercent) {
    /** A query may run 5 minutes by default. */
    public static final int DEFAULT_STATEMENT_SECONDS = 300;

    public static final int DEFAULT_CONNECTIONS = 256;
    public static final int DEFAULT_CONNECTIONS_PER_USER = 32;
    public static final int DEFAULT_STATEMENTS_PER_USER = 32;
    /** Past this share of the heap surviving a collection, the longest-running query is stopped. */
    public static final int DEFAULT_HEAP_PERCENT = 80;

    public static ServerLimits defaults() {
        return new ServerLimits(16, 256, 10_000, 16L << 20, 30, 600, DEFAULT_STATEMENT_SECONDS);
    }

    /** These limits, and the default ones on connections and on a user's statements. */
    public ServerLimits(
            int statementsPerConnection,
            int statements,
            int bufferedRows,
            long bufferedBytes,
            int statementIdleSeconds,
            int connectionIdleSeconds,
            int statementSeconds) {
        this(
                statementsPerConnection,
                statements,
                bufferedRows,
                bufferedBytes,
                statementIdleSeconds,
                connectionIdleSeconds,
                statementSeconds,
                DEFAULT_CONNECTIONS,
                DEFAULT_CONNECTIONS_PER_USER,
                DEFAULT_STATEMENTS_PER_USER,
                DEFAULT_HEAP_PERCENT);
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
        positive(connections, "connections");
        positive(connectionsPerUser, "connections per user");
        positive(statementsPerUser, "statements per user");
        if (heapPercent < 1 || heapPercent > 100) {
            throw new IllegalArgumentException("--max-heap-percent must be 1..100, not " + heapPercent);
        }
    }

    /** These limits with others on connections and on a user's statements. */
    public ServerLimits withUsers(int connections, int connectionsPerUser, int statementsPerUser) {
        return new ServerLimits(
                statementsPerConnection,
                statements,
                bufferedRows,
                bufferedBytes,
                statementIdleSeconds,
                connectionIdleSeconds,
                statementSeconds,
                connections,
                connectionsPerUser,
                statementsPerUser,
                heapPercent);
    }

    /** These limits, queries stopped past another share of the heap. */
    public ServerLimits withHeapPercent(int percent) {
        return new ServerLimits(
                statementsPerConnection,
                statements,
                bufferedRows,
                bufferedBytes,
                statementIdleSeconds,
                connectionIdleSeconds,
                statementSeconds,
                connections,
                connectionsPerUser,
                statementsPerUser,
                percent);
    }

    private static void positive(long v, String what) {
        if (v <= 0) {
            throw new IllegalArgumentException("the limit on " + what + " must be positive, not " + v);
        }
    }
}
