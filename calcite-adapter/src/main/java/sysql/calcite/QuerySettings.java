// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

/**
 * Limits a connection sets for its queries: {@code windowGroups}, the most groups one window of a streaming
 * aggregate may hold (beyond it the query fails with a clear error rather than the process running out of
 * memory).
 */
public record QuerySettings(int windowGroups) {
    public static final QuerySettings DEFAULT = new QuerySettings(100_000);

    public QuerySettings {
        if (windowGroups <= 0) {
            throw new IllegalArgumentException("windowGroups must be positive, not " + windowGroups);
        }
    }
}
