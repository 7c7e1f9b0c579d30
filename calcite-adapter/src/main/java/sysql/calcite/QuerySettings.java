// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

/**
 * Settings a connection gives its queries: {@code windowGroups}, the most groups one window of a streaming
 * aggregate may hold (beyond it the query fails with a clear error rather than the process running out of
 * memory); {@code snaplen}, the connection's snaplen, which over a capture file read with
 * {@code scap_file('path')} is the print length of buffer text as it is for the connection's own events;
 * {@code readsFiles}, whether {@code scap_file('path')} may open a path.
 */
public record QuerySettings(int windowGroups, int snaplen, boolean readsFiles) {
    public static final QuerySettings DEFAULT = new QuerySettings(100_000, 80);

    /** A connection that may read files by path ({@code scap_file}): every one but a server's clients'. */
    public QuerySettings(int windowGroups, int snaplen) {
        this(windowGroups, snaplen, true);
    }

    /**
     * The same without {@code scap_file}: a server reads files as its own user (root), so its clients may not name
     * paths for it to open.
     */
    public QuerySettings withoutFiles() {
        return new QuerySettings(windowGroups, snaplen, false);
    }

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
