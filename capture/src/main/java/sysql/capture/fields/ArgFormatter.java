// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import sysql.capture.Event;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.capture.ParamInfo;
import sysql.capture.state.FdInfo;
import sysql.capture.state.Paths;
import sysql.capture.state.SocketNames;
import sysql.capture.state.ThreadInfo;
import sysql.capture.state.Users;
import sysql.driver.EventTables;

/**
 * Renders event parameters as sysdig 0.29.3 prints them ({@code evt.args}, {@code evt.arg.NAME}): each parameter
 * has a raw text (the number, the path, the buffer with non-printables as dots) and, for some types, a resolved
 * text that sysdig shows in parentheses (the descriptor behind an fd, the errno name, the flag names, the comm
 * of a pid, the absolute form of a relative path). Rendering reuses the context's builders; the text returned is
 * a new String.
 */
final class ArgFormatter {

    private static final String[] SIGNALS = {
        null,
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS"
    };

    /** Dynamic parameter tables: per table, rows of {type, format} by the index byte. */
    private static final java.util.Map<String, int[][]> DYN = new java.util.HashMap<>();

    static {
        EventTables.dynTables((name, rows) -> {
            int max = 0;
            for (int[] r : rows) {
                max = Math.max(max, r[0] + 1);
            }
            int[][] t = new int[max][];
            for (int[] r : rows) {
                t[r[0]] = new int[] {r[1], r[2]};
            }
            DYN.put(name, t);
        });
    }

    private ArgFormatter() {}

    /** One rendered parameter: the raw text and the resolved text (empty when sysdig has none). */
    static final class Rendered {
        final StringBuilder raw = new StringBuilder();
        final StringBuilder resolved = new StringBuilder();

        void clear() {
            raw.setLength(0);
            resolved.setLength(0);
        }
    }

    static boolean isSysdigGeneric(Event e) {
        int code = e.typeCode();
        return code == EventTables.EVENT_GENERIC_E || code == EventTables.EVENT_GENERIC_E + 1;
    }

    /** Name of parameter {@code i} as sysdig prints it. */
    static String paramName(Event e, int i) {
        EventType t = e.type();
        return t != null && i < t.nparams() ? t.params().get(i).name() : "arg" + i;
    }

    /** {@code evt.args}: every parameter as {@code name=value } (resolved value in parentheses). */
    static String args(EventContext c) {
        Event e = c.event();
        if (e.type() == null || isSysdigGeneric(e)) {
            return "";
        }
        StringBuilder sb = c.argsScratch;
        sb.setLength(0);
        Rendered r = c.renderScratch;
        for (int i = 0; i < e.nparams(); i++) {
            r.clear();
            render(c, i, r);
            sb.append(paramName(e, i)).append('=').append(r.raw);
            if (r.resolved.length() > 0) {
                sb.append('(').append(r.resolved).append(')');
            }
            sb.append(' ');
        }
        return sb.toString();
    }

    /** {@code evt.arg}: parameter {@code i}'s resolved text when it has one, else its raw text. */
    static String arg(EventContext c, int i) {
        Rendered r = c.renderScratch;
        r.clear();
        render(c, i, r);
        return r.resolved.length() > 0 ? r.resolved.toString() : r.raw.toString();
    }

    /** The raw text of parameter {@code i} only (evt.buffer). */
    static String raw(EventContext c, int i) {
        Rendered r = c.renderScratch;
        r.clear();
        render(c, i, r);
        return r.raw.toString();
    }

    /** Renders parameter {@code i} of the current event into {@code out}. */
    static void render(EventContext c, int i, Rendered out) {
        Event e = c.event();
        EventType et = e.type();
        if (et == null || i >= et.nparams()) {
            out.raw.append("(n.a.)");
            return;
        }
        ParamInfo pi = et.params().get(i);
        ByteBuffer b = e.buffer();
        int off = e.paramOffset(i);
        int len = e.paramLength(i);
        int type = pi.type();
        int fmt = pi.format();
        if (type == EventTables.PT_DYN && len > 0 && "dyn".equals(pi.infoKind())) {
            int[][] table = DYN.get(pi.infoName());
            int idx = b.get(off) & 0xff;
            if (table != null && idx < table.length && table[idx] != null) {
                type = table[idx][0];
                off++;
                len--;
            }
        }
        StringBuilder raw = out.raw;
        StringBuilder res = out.resolved;
        switch (type) {
            case EventTables.PT_BYTEBUF -> bytes(b, off, len, c.bufferPrintLength(), raw);
            case EventTables.PT_CHARBUF -> raw.append(cString(b, off, len));
            case EventTables.PT_FSPATH, EventTables.PT_FSRELPATH -> path(c, e, pi, b, off, len, raw, res);
            case EventTables.PT_SOCKADDR -> sockaddr(b, off, len, raw);
            case EventTables.PT_SOCKTUPLE -> socktuple(b, off, len, raw);
            case EventTables.PT_FDLIST -> fdlist(c, b, off, len, raw);
            default -> {
                if (len == 0) {
                    raw.append("NULL");
                    return;
                }
                scalar(c, pi, type, fmt, b, off, len, raw, res);
            }
        }
    }

    private static void scalar(
            EventContext c,
            ParamInfo pi,
            int type,
            int fmt,
            ByteBuffer b,
            int off,
            int len,
            StringBuilder raw,
            StringBuilder res) {
        switch (type) {
            case EventTables.PT_INT8, EventTables.PT_INT16, EventTables.PT_INT32, EventTables.PT_INT64 ->
                number(signedValue(b, off, len), len, true, fmt, raw);
            case EventTables.PT_UINT8, EventTables.PT_UINT16, EventTables.PT_UINT32 ->
                number(unsignedValue(b, off, len), len, false, fmt, raw);
            // sysdig prints a 64-bit unsigned parameter with PRId64: from 2^63 up it shows negative (val=-1)
            case EventTables.PT_UINT64 -> number(signedValue(b, off, len), len, true, fmt, raw);
            case EventTables.PT_FD -> {
                long fd = signedValue(b, off, len);
                raw.append(fd);
                fd(c, fd, res);
            }
            case EventTables.PT_PID -> {
                long pid = signedValue(b, off, len);
                raw.append(pid);
                ThreadInfo t = c.tracker().threads().get(pid);
                if (t != null) {
                    res.append(t.comm());
                }
            }
            case EventTables.PT_ERRNO -> {
                long v = signedValue(b, off, len);
                raw.append(v);
                if (v < 0) {
                    String n = Errno.name(-(long) (int) v);
                    if (n != null) {
                        res.append(n);
                    }
                }
            }
            case EventTables.PT_SYSCALLID -> {
                int id = (int) unsignedValue(b, off, len);
                raw.append(id);
                String n = EventTypes.syscallCodeName(id);
                res.append(n == null || n.equals("unknown") ? "<unknown>" : n);
            }
            case EventTables.PT_SIGTYPE -> {
                int sig = (int) unsignedValue(b, off, len);
                raw.append(sig);
                if (sig > 0 && sig < SIGNALS.length) {
                    res.append(SIGNALS[sig]);
                }
            }
            case EventTables.PT_RELTIME -> {
                long v = unsignedValue(b, off, len);
                raw.append(Long.toUnsignedString(v));
                res.append(cDoubleG(unsignedToDouble(v) / 1e9)).append('s');
            }
            case EventTables.PT_ABSTIME -> {
                long v = unsignedValue(b, off, len);
                ZonedDateTime t = Instant.ofEpochSecond(
                                Long.divideUnsigned(v, 1_000_000_000L), Long.remainderUnsigned(v, 1_000_000_000L))
                        .atZone(ZoneId.systemDefault());
                raw.append(t.format(ABSTIME));
            }
            case EventTables.PT_FLAGS8, EventTables.PT_FLAGS16, EventTables.PT_FLAGS32 -> {
                long v = unsignedValue(b, off, len);
                raw.append(v);
                flagNames(pi, v, res);
            }
            case EventTables.PT_MODE -> {
                long v = unsignedValue(b, off, len);
                number(v, len, false, fmt, raw);
                flagNames(pi, v, res);
            }
            case EventTables.PT_UID, EventTables.PT_GID -> {
                long v = unsignedValue(b, off, len);
                if (v == 0xffffffffL) {
                    raw.append(-1);
                    res.append("<NONE>");
                    return;
                }
                raw.append(v);
                String n = null;
                if (type == EventTables.PT_UID) {
                    Users.User u = c.users() != null ? c.users().user((int) v) : null;
                    n = u != null ? u.name() : null;
                } else if (c.users() != null) {
                    n = c.users().groupName((int) v);
                }
                res.append(n != null ? sanitize(n) : "<NA>");
            }
            case EventTables.PT_SIGSET -> {
                long v = unsignedValue(b, off, len);
                boolean first = true;
                for (int sig = 0; sig < 32; sig++) {
                    if ((v & (1L << sig)) != 0 && sig + 1 < SIGNALS.length) {
                        if (!first) {
                            raw.append(' ');
                        }
                        raw.append(SIGNALS[sig + 1]);
                        first = false;
                    }
                }
            }
            default -> raw.append("(n.a.)");
        }
    }

    private static final DateTimeFormatter ABSTIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS Z");

    // ---- numbers

    static long signedValue(ByteBuffer b, int off, int len) {
        return switch (len) {
            case 1 -> b.get(off);
            case 2 -> b.getShort(off);
            case 4 -> b.getInt(off);
            case 8 -> b.getLong(off);
            default -> 0;
        };
    }

    static long unsignedValue(ByteBuffer b, int off, int len) {
        return switch (len) {
            case 1 -> b.get(off) & 0xffL;
            case 2 -> b.getShort(off) & 0xffffL;
            case 4 -> b.getInt(off) & 0xffffffffL;
            case 8 -> b.getLong(off);
            default -> 0;
        };
    }

    /** printf of a number in the parameter's print format: %d / %u, %X, %#o, %09d. */
    static void number(long v, int len, boolean signed, int fmt, StringBuilder out) {
        long mask = len >= 8 ? -1L : (1L << (8 * Math.max(len, 4))) - 1; // C promotes to int
        switch (fmt) {
            case 2 -> out.append(Long.toHexString(v & mask).toUpperCase(Locale.ROOT)); // PF_HEX: %X
            case 6 -> { // PF_OCT: %#o
                long u = v & mask;
                out.append(u == 0 ? "0" : "0" + Long.toOctalString(u));
            }
            case 3 -> { // PF_10_PADDED_DEC: %09d
                String s = signed ? Long.toString(v) : Long.toUnsignedString(v);
                if (s.startsWith("-")) {
                    String d = s.substring(1);
                    out.append('-');
                    for (int k = d.length(); k < 8; k++) {
                        out.append('0');
                    }
                    out.append(d);
                } else {
                    for (int k = s.length(); k < 9; k++) {
                        out.append('0');
                    }
                    out.append(s);
                }
            }
            default -> out.append(signed ? Long.toString(v) : Long.toUnsignedString(v));
        }
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    /** C's {@code %g}: 6 significant digits, trailing zeros dropped, exponent form below 1e-4 or from 1e6. */
    static String cDoubleG(double d) {
        if (d == 0) {
            return "0";
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
        }
        java.math.BigDecimal bd =
                new java.math.BigDecimal(d).round(new java.math.MathContext(6, java.math.RoundingMode.HALF_EVEN));
        int exp = bd.precision() - bd.scale() - 1;
        if (exp < -4 || exp >= 6) {
            java.math.BigDecimal mant = bd.movePointLeft(exp);
            String m = stripZeros(mant.toPlainString());
            String es = Integer.toString(Math.abs(exp));
            return m + "e" + (exp < 0 ? "-" : "+") + (es.length() < 2 ? "0" + es : es);
        }
        return stripZeros(bd.toPlainString());
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }

    // ---- flags

    /**
     * sysdig's flag names: walk the table until an entry equals the whole value; names whose bits are all set are
     * taken (and their bits removed); the entry that stopped the walk is named too.
     */
    static void flagNames(ParamInfo pi, long value, StringBuilder res) {
        if (!"flags".equals(pi.infoKind())) {
            return;
        }
        EventTypes.FlagTable t = EventTypes.flagTable(pi.infoName());
        if (t == null) {
            return;
        }
        long initial = value & 0xffffffffL;
        long val = initial;
        String sep = "";
        int k = 0;
        for (; k < t.values().length && t.values()[k] != initial; k++) {
            long fv = t.values()[k];
            if ((fv == 0 && initial == 0) || (fv != 0 && (val & fv) == fv && val != 0)) {
                res.append(sep).append(t.names().get(k));
                sep = "|";
                val &= ~fv;
            }
        }
        if (k < t.values().length) {
            res.append(sep).append(t.names().get(k));
        }
    }

    // ---- text

    private static boolean printable(int ch) {
        return ch >= 0x20 && ch < 0x7f;
    }

    /**
     * A byte buffer with non-printable bytes as dots; longer than {@code printLength}, cut to that many characters
     * of which the last three are dots (sysdig's {@code m_max_evt_output_len} in {@code get_param_as_str}).
     */
    static void bytes(ByteBuffer b, int off, int len, int printLength, StringBuilder out) {
        int n = Math.min(len, printLength);
        out.ensureCapacity(out.length() + n);
        for (int k = 0; k < n; k++) {
            int ch = b.get(off + k) & 0xff;
            out.append(printable(ch) ? (char) ch : '.');
        }
        if (len > printLength && printLength > 3) {
            int end = out.length();
            out.setCharAt(end - 3, '.');
            out.setCharAt(end - 2, '.');
            out.setCharAt(end - 1, '.');
        }
    }

    /** The bytes up to the first NUL, as UTF-8 text. */
    static String cString(ByteBuffer b, int off, int len) {
        int n = 0;
        while (n < len && b.get(off + n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        b.get(off, bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The bytes up to the first NUL with the non-printable ones dropped (sysdig's sanitize). */
    static String sanitized(ByteBuffer b, int off, int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int k = 0; k < len; k++) {
            int ch = b.get(off + k) & 0xff;
            if (ch == 0) {
                break;
            }
            if (printable(ch)) {
                sb.append((char) ch);
            }
        }
        return sb.toString();
    }

    static String sanitize(String s) {
        StringBuilder sb = null;
        for (int k = 0; k < s.length(); k++) {
            char ch = s.charAt(k);
            if (!printable(ch)) {
                if (sb == null) {
                    sb = new StringBuilder(s.length());
                    sb.append(s, 0, k);
                }
            } else if (sb != null) {
                sb.append(ch);
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static void path(
            EventContext c,
            Event e,
            ParamInfo pi,
            ByteBuffer b,
            int off,
            int len,
            StringBuilder raw,
            StringBuilder res) {
        String p = sanitized(b, off, len);
        raw.append(p);
        ThreadInfo t = c.thread();
        if (t == null || p.isEmpty() || p.charAt(0) == '/' || p.startsWith("<NA>")) {
            return;
        }
        String base = c.tracker().threads().cwd(t);
        if (pi.type() == EventTables.PT_FSRELPATH && "dirfd".equals(pi.infoKind())) {
            int d = pi.infoArg();
            if (d >= 0 && d < e.nparams() && e.paramLength(d) == 8) {
                long dirfd = e.paramAsLong(d);
                if (dirfd != EventTables.AT_FDCWD) {
                    FdInfo f = c.tracker().threads().fd(t, dirfd);
                    base = f != null ? sanitize(f.name()) : "";
                }
            }
        }
        res.append(Paths.resolve(base, p));
    }

    // ---- descriptors

    static char typeChar(FdInfo f) {
        return f.type().typeChar();
    }

    /** The resolved text of an fd: {@code <f>/path}, {@code <4t>tuple}, AT_FDCWD, or the errno of a negative. */
    static void fd(EventContext c, long fd, StringBuilder res) {
        ThreadInfo t = c.thread();
        if (t == null) {
            return;
        }
        if (fd >= 0) {
            FdInfo f = c.tracker().threads().fd(t, fd);
            if (f == null) {
                return;
            }
            res.append('<').append(typeChar(f));
            // sysdig names the transport protocol as it reports it (a socket with a role, a bound or a raw one)
            switch (f.l4proto()) {
                case FdInfo.L4_TCP -> res.append('t');
                case FdInfo.L4_UDP -> res.append('u');
                case FdInfo.L4_ICMP -> res.append('i');
                case FdInfo.L4_RAW -> res.append('r');
                default -> {}
            }
            res.append('>').append(sanitize(f.name()));
        } else if (fd == EventTables.AT_FDCWD) {
            res.append("AT_FDCWD");
        } else {
            String n = Errno.name(-(long) (int) fd);
            if (n != null) {
                res.append(n);
            }
        }
    }

    private static void fdlist(EventContext c, ByteBuffer b, int off, int len, StringBuilder raw) {
        if (len < 2) {
            return;
        }
        ThreadInfo t = c.thread();
        if (t == null) {
            return;
        }
        int n = b.getShort(off) & 0xffff;
        int pos = off + 2;
        for (int j = 0; j < n && pos + 10 <= off + len; j++) {
            long fd = b.getLong(pos);
            int flags = b.getShort(pos + 8);
            FdInfo f = c.tracker().threads().fd(t, fd);
            if (j > 0) {
                raw.append(' ');
            }
            raw.append(Long.toUnsignedString(fd))
                    .append(':')
                    .append(f != null ? typeChar(f) : '?')
                    .append(Integer.toHexString(flags));
            pos += 10;
        }
    }

    // ---- sockets

    private static void ipv4(ByteBuffer b, int off, StringBuilder out) {
        out.append(b.get(off) & 0xff)
                .append('.')
                .append(b.get(off + 1) & 0xff)
                .append('.')
                .append(b.get(off + 2) & 0xff)
                .append('.')
                .append(b.get(off + 3) & 0xff);
    }

    private static int port(ByteBuffer b, int off) {
        return b.getShort(off) & 0xffff;
    }

    private static boolean v4mapped(ByteBuffer b, int off) {
        for (int k = 0; k < 10; k++) {
            if (b.get(off + k) != 0) {
                return false;
            }
        }
        return (b.get(off + 10) & 0xff) == 0xff && (b.get(off + 11) & 0xff) == 0xff;
    }

    /** IPv6 text as glibc's inet_ntop writes it (embedded IPv4 for ::a.b.c.d and ::ffff:a.b.c.d). */
    static void ipv6(ByteBuffer b, int off, StringBuilder out) {
        byte[] a = new byte[16];
        b.get(off, a, 0, 16);
        out.append(SocketNames.ipv6(a, 0));
    }

    private static void sockaddr(ByteBuffer b, int off, int len, StringBuilder raw) {
        if (len == 0) {
            raw.append("NULL");
            return;
        }
        int family = b.get(off) & 0xff;
        if (family == EventTables.AF_UNIX) {
            raw.append(sanitized(b, off + 1, len - 1));
        } else if (family == EventTables.AF_INET) {
            if (len == EventTables.SOCKADDR_IPV4_LEN) {
                ipv4(b, off + 1, raw);
                raw.append(':').append(port(b, off + 5));
            } else {
                raw.append("INVALID IPv4");
            }
        } else if (family == EventTables.AF_INET6) {
            if (len == EventTables.SOCKADDR_IPV6_LEN) {
                ipv6(b, off + 1, raw);
                raw.append(':').append(port(b, off + 17));
            } else {
                raw.append("INVALID IPv6");
            }
        } else {
            raw.append("family ").append((int) b.get(off));
        }
    }

    private static void socktuple(ByteBuffer b, int off, int len, StringBuilder raw) {
        if (len == 0) {
            raw.append("NULL");
            return;
        }
        int family = b.get(off) & 0xff;
        if (family == EventTables.AF_INET) {
            if (len == EventTables.SOCKTUPLE_IPV4_LEN) {
                ipv4(b, off + 1, raw);
                raw.append(':').append(port(b, off + 5)).append("->");
                ipv4(b, off + 7, raw);
                raw.append(':').append(port(b, off + 11));
            } else {
                raw.append("INVALID IPv4");
            }
        } else if (family == EventTables.AF_INET6) {
            if (len == EventTables.SOCKTUPLE_IPV6_LEN) {
                if (v4mapped(b, off + 1) && v4mapped(b, off + 19)) {
                    ipv4(b, off + 13, raw);
                    raw.append(':').append(port(b, off + 17)).append("->");
                    ipv4(b, off + 31, raw);
                    raw.append(':').append(port(b, off + 35));
                } else {
                    ipv6(b, off + 1, raw);
                    raw.append(':').append(port(b, off + 17)).append("->");
                    ipv6(b, off + 19, raw);
                    raw.append(':').append(port(b, off + 35));
                }
            } else {
                raw.append("INVALID IPv6");
            }
        } else if (family == EventTables.AF_UNIX) {
            if (len >= 17) {
                raw.append(Long.toHexString(b.getLong(off + 1)))
                        .append("->")
                        .append(Long.toHexString(b.getLong(off + 9)))
                        .append(' ')
                        .append(sanitized(b, off + 17, len - 17));
            }
        } else {
            raw.append("family ").append((int) b.get(off));
        }
    }
}
