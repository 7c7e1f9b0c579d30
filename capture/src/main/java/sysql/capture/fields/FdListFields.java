// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import java.nio.ByteBuffer;
import sysql.capture.Event;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.capture.state.FdInfo;
import sysql.capture.state.FdType;
import sysql.capture.state.ThreadInfo;

/**
 * Fields of class fdlist: the descriptors of a poll or ppoll event's {@code fds} parameter, each looked up in
 * the thread's table after the event, joined by commas as sysdig's fdlist filter check renders them (a
 * descriptor without a value adds nothing to the ip and port lists, but "{@code <NA>}" to the names; an empty
 * list is NULL).
 */
final class FdListFields extends FieldDefinitions {
    /** Index of the fds parameter by event type code, or -1 for events that are not poll/ppoll. */
    private static final int[] FDS_PARAM = fdsParams();

    private enum Kind {
        NUMS,
        NAMES,
        CIPS,
        SIPS,
        CPORTS,
        SPORTS
    }

    private FdListFields() {}

    private static int[] fdsParams() {
        int max = 0;
        for (EventType t : EventTypes.all()) {
            max = Math.max(max, t.code() + 1);
        }
        int[] idx = new int[max];
        java.util.Arrays.fill(idx, -1);
        for (EventType t : EventTypes.all()) {
            if (t.name().equals("poll") || t.name().equals("ppoll")) {
                idx[t.code()] = t.paramIndex("fds");
            }
        }
        return idx;
    }

    static void register() {
        str(
                "fdlist.nums",
                "For poll and ppoll: the descriptor numbers of the fds argument, comma-separated.",
                c -> list(c, Kind.NUMS));
        str(
                "fdlist.names",
                "For poll and ppoll: the names of the descriptors of the fds argument, comma-separated (<NA> for "
                        + "one without a name).",
                c -> list(c, Kind.NAMES));
        str(
                "fdlist.cips",
                "For poll and ppoll: the client IP addresses of the inet connection sockets of the fds argument, "
                        + "comma-separated.",
                c -> list(c, Kind.CIPS));
        str(
                "fdlist.sips",
                "For poll and ppoll: the server IP addresses of the inet sockets of the fds argument, "
                        + "comma-separated.",
                c -> list(c, Kind.SIPS));
        str(
                "fdlist.cports",
                "For poll and ppoll: the client ports of the inet connection sockets of the fds argument, "
                        + "comma-separated.",
                c -> list(c, Kind.CPORTS));
        str(
                "fdlist.sports",
                "For poll and ppoll: the server ports of the inet connection sockets of the fds argument, "
                        + "comma-separated.",
                c -> list(c, Kind.SPORTS));
    }

    private static String list(EventContext c, Kind kind) {
        Event e = c.event();
        int code = e.typeCode();
        int p = code >= 0 && code < FDS_PARAM.length ? FDS_PARAM[code] : -1;
        if (p < 0 || p >= e.nparams() || e.paramLength(p) < 2) {
            return null;
        }
        ByteBuffer b = e.buffer(); // little-endian, as Event requires
        int off = e.paramOffset(p);
        int end = off + e.paramLength(p);
        int n = b.getShort(off) & 0xffff;
        ThreadInfo t = c.thread();
        StringBuilder out = new StringBuilder();
        int pos = off + 2;
        for (int j = 0; j < n && pos + 8 <= end; j++, pos += 10) {
            long fd = b.getLong(pos);
            FdInfo f = t == null || fd < 0 ? null : c.tracker().threads().fd(t, fd);
            String item = item(kind, fd, f);
            if (item != null) {
                out.append(item).append(',');
            }
        }
        if (out.length() == 0) {
            return null;
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    /** One descriptor's part of the list, or null when it adds nothing (no comma either). */
    private static String item(Kind kind, long fd, FdInfo f) {
        boolean tuple = f != null && f.isInetTuple();
        return switch (kind) {
            case NUMS -> Long.toString(fd);
            case NAMES -> f == null || f.name().isEmpty() ? "<NA>" : f.name();
            case CIPS -> tuple ? f.tupleSourceIp() : null;
            case SIPS -> {
                if (tuple) {
                    yield f.tupleDestinationIp();
                }
                if (f != null && f.isServerSocket()) {
                    // sysdig formats an IPv6 server socket's address as an IPv4 one (its first 4 bytes)
                    yield f.type() == FdType.IPV6 ? f.serverSocketIpFirst4() : f.serverSocketIp();
                }
                yield null;
            }
            case CPORTS -> tuple ? Integer.toString(f.tupleSourcePort()) : null;
            case SPORTS -> tuple ? Integer.toString(f.tupleDestinationPort()) : null;
        };
    }
}
