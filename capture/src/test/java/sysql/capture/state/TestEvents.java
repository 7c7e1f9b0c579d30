// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sysql.capture.Event;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.capture.ParamInfo;
import sysql.driver.EventTables;

/** Test helper: builds encoded events by sysdig name and parameter names, using the ABI table's types. */
final class TestEvents {
    private final EventType type;
    private final Map<String, byte[]> values = new HashMap<>();

    private TestEvents(EventType type) {
        this.type = type;
    }

    /** The newest event type of that name and direction (the one live capture emits). */
    static TestEvents enter(String name) {
        return new TestEvents(newest(name, true));
    }

    static TestEvents exit(String name) {
        return new TestEvents(newest(name, false));
    }

    private static EventType newest(String name, boolean enter) {
        EventType best = null;
        for (EventType t : EventTypes.all()) {
            if (t.name().equals(name)
                    && t.isEnter() == enter
                    && (t.flags() & (1 << 9)) == 0
                    && t.code() < 1000
                    && (best == null || t.code() > best.code())) {
                best = t;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no event type " + name);
        }
        return best;
    }

    TestEvents p(String name, long v) {
        int i = type.paramIndex(name);
        if (i < 0) {
            throw new IllegalArgumentException(type + " has no parameter " + name);
        }
        int size = ParamInfo.fixedSize(type.params().get(i).type());
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        switch (size) {
            case 1 -> b.put((byte) v);
            case 2 -> b.putShort((short) v);
            case 4 -> b.putInt((int) v);
            case 8 -> b.putLong(v);
            default -> throw new IllegalArgumentException(name + " is not an integer parameter");
        }
        values.put(name, b.array());
        return this;
    }

    TestEvents p(String name, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        values.put(name, out);
        return this;
    }

    /** A NUL-separated list (args, env, cgroups), each entry NUL-terminated. */
    TestEvents list(String name, List<String> items) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (String s : items) {
            o.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            o.write(0);
        }
        values.put(name, o.toByteArray());
        return this;
    }

    TestEvents raw(String name, byte[] bytes) {
        values.put(name, bytes);
        return this;
    }

    /** An IPv4 socket tuple in sysdig's layout. */
    static byte[] tuple4(int[] src, int sport, int[] dst, int dport) {
        ByteBuffer b = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) EventTables.AF_INET);
        for (int x : src) {
            b.put((byte) x);
        }
        b.putShort((short) sport);
        for (int x : dst) {
            b.put((byte) x);
        }
        b.putShort((short) dport);
        return b.array();
    }

    /** Encodes the event; parameters not given are empty. */
    byte[] bytes(long ts, long tid) {
        int n = type.nparams();
        byte[][] ps = new byte[n][];
        int len = Event.HEADER_LEN + 2 * n;
        for (int i = 0; i < n; i++) {
            ps[i] = values.getOrDefault(type.params().get(i).name(), new byte[0]);
            len += ps[i].length;
        }
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(ts).putLong(tid).putInt(len).putShort((short) type.code()).putInt(n);
        for (byte[] p : ps) {
            b.putShort((short) p.length);
        }
        for (byte[] p : ps) {
            b.put(p);
        }
        return b.array();
    }

    Event event(long ts, long tid) {
        return event(ts, tid, 0);
    }

    /** The event as CPU {@code cpu} recorded it. */
    Event event(long ts, long tid, int cpu) {
        return new Event().wrap(ByteBuffer.wrap(bytes(ts, tid)).order(ByteOrder.LITTLE_ENDIAN), 0, cpu);
    }
}
