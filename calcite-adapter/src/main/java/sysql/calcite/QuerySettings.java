// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

/**
 * Settings a connection gives its queries: {@code windowGroups}, the most groups one window of a streaming
 * aggregate may hold (beyond it the query fails with a clear error rather than the process running out of
 * memory); {@code snaplen}, the connection's snaplen, which over a capture file read with
 * {@code scap_file('path')} is the print length of buffer text as it is for the connection's own events.
 */
public record QuerySettings(int windowGroups, int snaplen) {
    public static final QuerySettings DEFAULT = new QuerySettings(100_000, 80);

    public QuerySettings {
        if (windowGroups <= 0) {
            throw new IllegalArgumentException("windowGroups must be positive, not " + windowGroups);
        }
        if (snaplen <= 0) {
            throw new IllegalArgumentException("snaplen must be positive, not " + snaplen);
        }
    }

    /** These window limits with the default snaplen (80). */
    public QuerySettings(int windowGroups) {
        this(windowGroups, DEFAULT_SNAPLEN);
    }

    private static final int DEFAULT_SNAPLEN = 80;
}
