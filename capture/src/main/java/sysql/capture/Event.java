// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import sysql.driver.EventTables;

/**
 * A flyweight view of one event inside a batch buffer: nothing is copied or allocated when it moves to the
 * next event; parameters are read in place, by index or by sysdig's parameter name.
 *
 * <p>Layout (sysql_event.h): 26-byte header {@code u64 ts, u64 tid, u32 len, u16 type, u32 nparams}, then one
 * {@code u16} length per parameter, then the parameters back to back, little endian.
 */
public final class Event {
    public static final int HEADER_LEN = EventTables.HEADER_LEN;
    private static final int MAX_PARAMS = EventTables.MAX_EVENT_PARAMS;

    private ByteBuffer buf;
    private int base;
    private int cpu;
    private int length;
    private int typeCode;
    private int nparams;
    private EventType type;
    private final int[] paramOffset = new int[MAX_PARAMS];
    private final int[] paramLength = new int[MAX_PARAMS];

    /**
     * Points this view at the event at {@code offset} of {@code buffer}.
     *
     * @throws MalformedEventException if the event is not well formed (lengths inconsistent or out of the
     *     buffer); the view is then unusable until the next successful wrap
     */
    public Event wrap(ByteBuffer buffer, int offset, int cpu) {
        if (buffer.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("event buffers are little endian");
        }
        int limit = buffer.limit();
        if (offset < 0 || offset + HEADER_LEN > limit) {
            throw new MalformedEventException(
                    "event header at offset " + offset + " runs past the buffer end " + limit);
        }
        this.buf = buffer;
        this.base = offset;
        this.cpu = cpu;
        this.length = buffer.getInt(offset + 16);
        this.typeCode = buffer.getShort(offset + 20) & 0xffff;
        this.nparams = buffer.getInt(offset + 22);
        if (length < HEADER_LEN || offset + (long) length > limit) {
            throw new MalformedEventException("event at offset " + offset + " has length " + length
                    + " outside the buffer (" + (limit - offset) + " bytes left)");
        }
        if (nparams < 0 || nparams > MAX_PARAMS || HEADER_LEN + 2L * nparams > length) {
            throw new MalformedEventException("event at offset " + offset + " has " + nparams
                    + " parameters, more than its length " + length + " can hold");
        }
        this.type = EventTypes.byCode(typeCode);
        int p = offset + HEADER_LEN + 2 * nparams;
        int end = offset + length;
        for (int i = 0; i < nparams; i++) {
            int len = buffer.getShort(offset + HEADER_LEN + 2 * i) & 0xffff;
            paramOffset[i] = p;
            paramLength[i] = len;
            p += len;
        }
        if (p != end) {
            throw new MalformedEventException("event at offset " + offset + " (type " + typeCode + "): parameters take "
                    + (p - offset) + " bytes but the header says " + length);
        }
        return this;
    }

    public ByteBuffer buffer() {
        return buf;
    }
    /** Offset of the event's first byte in {@link #buffer()}. */
    public int offset() {
        return base;
    }
    /** Nanoseconds since the epoch. */
    public long ts() {
        return buf.getLong(base);
    }

    public long tid() {
        return buf.getLong(base + 8);
    }
    /** Whole event length in bytes, header included. */
    public int length() {
        return length;
    }

    public int typeCode() {
        return typeCode;
    }
    /** The event type, or null when the code is not in the table. */
    public EventType type() {
        return type;
    }

    public boolean isEnter() {
        return (typeCode & 1) == 0;
    }

    public int nparams() {
        return nparams;
    }

    public int cpu() {
        return cpu;
    }

    /** The event type's name, or {@code "unknown(N)"}. */
    public String typeName() {
        return type != null ? type.name() : "unknown(" + typeCode + ")";
    }

    /**
     * The event type as sysdig's evt.type shows it: for generic syscall events the syscall's name from sysdig's
     * syscall code ({@code <unknown>} when the code is not in the table, as sysdig prints it); for sysql's
     * generic events with raw arguments, the name from the native syscall number when sysdig has no code.
     */
    public String syscallName() {
        boolean sysdigGeneric = typeCode == EventTables.EVENT_GENERIC_E || typeCode == EventTables.EVENT_GENERIC_E + 1;
        boolean sysqlGeneric =
                typeCode == EventTables.EVENT_GENERIC_ARGS_E || typeCode == EventTables.EVENT_GENERIC_ARGS_E + 1;
        if (!sysdigGeneric && !sysqlGeneric) {
            return typeName();
        }
        String byCode = nparams > 0 && paramLength[0] == 2 ? EventTypes.syscallCodeName((int) paramAsLong(0)) : null;
        if (sysdigGeneric) {
            return byCode != null && !byCode.equals("unknown") ? byCode : "<unknown>";
        }
        if (byCode != null && !byCode.equals("unknown")) {
            return byCode;
        }
        String byNr = nparams > 1 ? EventTypes.syscallName((int) paramAsLong(1)) : null;
        return byNr != null ? byNr : "<unknown>";
    }

    public int paramLength(int i) {
        checkIndex(i);
        return paramLength[i];
    }

    /** Offset of parameter {@code i} in {@link #buffer()}. */
    public int paramOffset(int i) {
        checkIndex(i);
        return paramOffset[i];
    }

    /** Index of the parameter called {@code name} in this event's type, or -1. */
    public int paramIndex(String name) {
        return type != null ? type.paramIndex(name) : -1;
    }

    /** Declared type of parameter {@code i} ({@code EventTables.PT_*}), or PT_NONE when unknown. */
    public int paramType(int i) {
        checkIndex(i);
        return type != null ? type.paramType(i) : EventTables.PT_NONE;
    }

    /**
     * Parameter {@code i} as an integer: sign-extended for signed types, zero-extended otherwise; the width
     * is the parameter's length (1, 2, 4 or 8 bytes).
     */
    public long paramAsLong(int i) {
        checkIndex(i);
        int off = paramOffset[i];
        boolean signed = type != null && type.isSignedParam(i);
        return switch (paramLength[i]) {
            case 1 -> signed ? buf.get(off) : buf.get(off) & 0xffL;
            case 2 -> signed ? buf.getShort(off) : buf.getShort(off) & 0xffffL;
            case 4 -> signed ? buf.getInt(off) : buf.getInt(off) & 0xffffffffL;
            case 8 -> buf.getLong(off);
            default ->
                throw new IllegalStateException("parameter " + i + " of " + typeName() + " is " + paramLength[i]
                        + " bytes long, not an integer");
        };
    }

    /** Parameter {@code name} as an integer; see {@link #paramAsLong(int)}. */
    public long paramAsLong(String name) {
        return paramAsLong(requireIndex(name));
    }

    /** Parameter {@code i} as text: the bytes up to the first NUL, decoded as UTF-8. Allocates. */
    public String paramAsString(int i) {
        checkIndex(i);
        int off = paramOffset[i];
        int len = paramLength[i];
        int n = 0;
        while (n < len && buf.get(off + n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        buf.get(off, bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public String paramAsString(String name) {
        return paramAsString(requireIndex(name));
    }

    /** A copy of parameter {@code i}'s bytes. Allocates. */
    public byte[] paramBytes(int i) {
        checkIndex(i);
        byte[] bytes = new byte[paramLength[i]];
        buf.get(paramOffset[i], bytes, 0, bytes.length);
        return bytes;
    }

    public byte[] paramBytes(String name) {
        return paramBytes(requireIndex(name));
    }

    /** Copies up to {@code dst.length} bytes of parameter {@code i} into {@code dst}; returns the count. */
    public int copyParam(int i, byte[] dst) {
        checkIndex(i);
        int n = Math.min(dst.length, paramLength[i]);
        buf.get(paramOffset[i], dst, 0, n);
        return n;
    }

    /** Decodes a socket tuple or socket address parameter into {@code out}; false if it is empty. */
    public boolean paramAsSocket(int i, SocketAddressParam out) {
        checkIndex(i);
        return out.decode(buf, paramOffset[i], paramLength[i], paramType(i) == EventTables.PT_SOCKTUPLE);
    }

    public boolean paramAsSocket(String name, SocketAddressParam out) {
        return paramAsSocket(requireIndex(name), out);
    }

    private int requireIndex(String name) {
        int i = paramIndex(name);
        if (i < 0 || i >= nparams) {
            throw new IllegalArgumentException(typeName() + " (" + typeCode + ") has no parameter '" + name + "'");
        }
        return i;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= nparams) {
            throw new IndexOutOfBoundsException("parameter " + i + " of " + typeName() + ", which has " + nparams);
        }
    }

    /** One line in the spirit of sysdig's default output. Allocates; for display only. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(ts())
                .append(' ')
                .append(cpu)
                .append(' ')
                .append(tid())
                .append(' ')
                .append(isEnter() ? '>' : '<')
                .append(' ')
                .append(syscallName());
        SocketAddressParam sock = new SocketAddressParam();
        for (int i = 0; i < nparams; i++) {
            String pname =
                    type != null && i < type.nparams() ? type.params().get(i).name() : "arg" + i;
            sb.append(' ').append(pname).append('=');
            int pt = paramType(i);
            int len = paramLength[i];
            if (pt == EventTables.PT_CHARBUF || pt == EventTables.PT_FSPATH || pt == EventTables.PT_FSRELPATH) {
                sb.append(paramAsString(i));
            } else if (pt == EventTables.PT_BYTEBUF) {
                appendPrintable(sb, i);
            } else if (pt == EventTables.PT_SOCKTUPLE || pt == EventTables.PT_SOCKADDR) {
                sb.append(paramAsSocket(i, sock) ? sock.toString() : "NULL");
            } else if (len == 1 || len == 2 || len == 4 || len == 8) {
                sb.append(paramAsLong(i));
            } else {
                sb.append('(').append(len).append(" bytes)");
            }
        }
        return sb.toString();
    }

    private void appendPrintable(StringBuilder sb, int i) {
        int off = paramOffset[i];
        for (int k = 0; k < paramLength[i]; k++) {
            int b = buf.get(off + k) & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
    }
}
