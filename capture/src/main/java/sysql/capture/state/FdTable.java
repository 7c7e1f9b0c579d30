// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import it.unimi.dsi.fastutil.longs.Long2ObjectMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.util.Collection;

/** The open file descriptors of one process (shared by its threads), by fd number. */
public final class FdTable {
    /** Most descriptors one table keeps; beyond it new ones are counted and not stored. */
    public static final int MAX_FDS = 1 << 16;

    private final Long2ObjectOpenHashMap<FdInfo> fds = new Long2ObjectOpenHashMap<>();
    private long overflow;

    public FdInfo get(long fd) {
        return fds.get(fd);
    }

    /** Adds or replaces the descriptor (an fd number is reused after close). */
    public FdInfo put(FdInfo info) {
        if (fds.size() >= MAX_FDS && !fds.containsKey(info.fd())) {
            overflow++;
            return info;
        }
        fds.put(info.fd(), info);
        return info;
    }

    public FdInfo remove(long fd) {
        return fds.remove(fd);
    }

    public int size() {
        return fds.size();
    }

    /** Descriptors that could not be stored because the table was full. */
    public long overflow() {
        return overflow;
    }

    public Collection<FdInfo> all() {
        return fds.values();
    }

    /** True when an IPv4 socket of the table has {@code port} as its server port (sysdig's is_bound_to_port). */
    boolean isBoundToPort(int port) {
        for (FdInfo f : fds.values()) {
            if (f.type() == FdType.IPV4
                    && (f.isServerSocket() ? f.serverSocketPort() : f.tupleDestinationPort()) == port) {
                return true;
            }
        }
        return false;
    }

    /** True when an IPv4 connection socket of the table has {@code port} as its client port. */
    boolean usesClientPort(int port) {
        for (FdInfo f : fds.values()) {
            if (f.type() == FdType.IPV4 && !f.isServerSocket() && f.tupleSourcePort() == port) {
                return true;
            }
        }
        return false;
    }

    /** A copy for a child process that does not share the table (fork without CLONE_FILES). */
    public FdTable copy() {
        FdTable c = new FdTable();
        for (Long2ObjectMap.Entry<FdInfo> e : fds.long2ObjectEntrySet()) {
            c.fds.put(e.getLongKey(), e.getValue().copyAs(e.getLongKey()));
        }
        return c;
    }
}
