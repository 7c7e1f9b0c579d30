// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Map;
import sysql.capture.Event;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.capture.ParamInfo;
import sysql.capture.state.FdInfo;
import sysql.capture.state.FdType;
import sysql.capture.state.ThreadInfo;
import sysql.driver.EventTables;

/**
 * Fields of class evt: the event itself (number, time, cpu, direction, type, result, arguments), as sysdig
 * 0.29.3 extracts them. Parametric names (evt.arg.NAME, evt.arg[N], evt.rawarg.NAME, evt.type.is.NAME) are
 * built by {@link #resolve(String)} when first asked for.
 */
final class EvtFields extends FieldDefinitions {
    private EvtFields() {}

    private static final long NS = 1_000_000_000L;
    /** The exec bits of chmod_mode. */
    private static final int EXEC_BITS = EventTables.S_IXOTH | EventTables.S_IXGRP | EventTables.S_IXUSR;

    /** By event code: index of the parameter named {@code res}, or -1 (also for codes the table does not define). */
    private static final byte[] RES_INDEX = paramIndexByCode("res");
    /** By event code: index of the parameter named {@code data} (evt.buffer), or -1. */
    private static final byte[] DATA_INDEX = paramIndexByCode("data");
    /** By event code: container metadata events (type {@code container}), which carry no time of their own. */
    private static final boolean[] CONTAINER_EVENT = new boolean[EventTables.EVENT_CODE_LIMIT];
    /** By event code: the exits of accept, accept4 and connect (evt.count.error.net of an event without an fd). */
    private static final boolean[] NET_EXIT = new boolean[EventTables.EVENT_CODE_LIMIT];
    /**
     * By event code, the parameters evt.abspath.* resolves, -1 for events without them: the directory fd and the
     * path of the source side ({@link PathSide#SOURCE}) and of the destination side.
     */
    private static final byte[] SOURCE_DIR = noParams();

    private static final byte[] SOURCE_PATH = noParams();
    private static final byte[] DESTINATION_DIR = noParams();
    private static final byte[] DESTINATION_PATH = noParams();

    static {
        for (EventType t : EventTypes.all()) {
            int code = t.code();
            String n = t.name();
            CONTAINER_EVENT[code] = n.equals("container");
            NET_EXIT[code] = !t.isEnter() && (n.equals("accept") || n.equals("accept4") || n.equals("connect"));
            switch (n) {
                case "renameat", "renameat2" -> paths(t, "olddirfd", "oldpath", "newdirfd", "newpath");
                case "symlinkat" -> paths(t, "linkdirfd", "linkpath", "linkdirfd", "linkpath");
                case "openat", "openat2", "unlinkat" -> paths(t, "dirfd", "name", "dirfd", "name");
                case "linkat" -> paths(t, "olddir", "oldpath", "newdir", "newpath");
                case "mkdirat" -> paths(t, "dirfd", "path", "dirfd", "path");
                default -> {}
            }
        }
    }

    /** A table by event code with no parameter (-1) for every code. */
    private static byte[] noParams() {
        byte[] b = new byte[EventTables.EVENT_CODE_LIMIT];
        Arrays.fill(b, (byte) -1);
        return b;
    }

    /** Records the parameters of {@code t} that evt.abspath.* resolves, by name. */
    private static void paths(EventType t, String sourceDir, String sourcePath, String destDir, String destPath) {
        int code = t.code();
        SOURCE_DIR[code] = (byte) t.paramIndex(sourceDir);
        SOURCE_PATH[code] = (byte) t.paramIndex(sourcePath);
        DESTINATION_DIR[code] = (byte) t.paramIndex(destDir);
        DESTINATION_PATH[code] = (byte) t.paramIndex(destPath);
    }

    /**
     * Index of an exit event's result: its first parameter when that is the syscall's return value (named
     * {@code res}, or an errno, fd or pid — accept's and open's {@code fd}), else -1.
     */
    static int resIndex(Event e) {
        if (e.isEnter() || e.nparams() == 0 || e.paramLength(0) != 8) {
            return -1;
        }
        int t = e.paramType(0);
        boolean named = e.type() != null && RES_INDEX[e.typeCode()] == 0;
        return named || t == EventTables.PT_ERRNO || t == EventTables.PT_FD || t == EventTables.PT_PID ? 0 : -1;
    }

    static int flags(Event e) {
        EventType t = e.type();
        return t != null ? t.flags() : 0;
    }

    /**
     * sysdig's error test (evt.failed, evt.count.error): the parameter named {@code res} below zero, or for exit
     * events that create an fd, the first parameter below zero. -1 when the event has neither, else 0 or 1.
     */
    static int errorState(Event e) {
        EventType t = e.type();
        if (t == null) {
            return -1;
        }
        int i = RES_INDEX[t.code()];
        if (i < 0 && (t.flags() & EventTables.EF_CREATES_FD) != 0 && !e.isEnter()) {
            i = 0;
        }
        if (i < 0 || i >= e.nparams()) {
            return -1;
        }
        int len = e.paramLength(i);
        if (len != 8) {
            return -1;
        }
        return e.buffer().getLong(e.paramOffset(i)) < 0 ? 1 : 0;
    }

    /** The category number sysdig gives the event (generic events: their syscall's). */
    static int categoryCode(Event e) {
        if (ArgFormatter.isSysdigGeneric(e)) {
            return e.nparams() > 0 && e.paramLength(0) == 2
                    ? EventTypes.syscallCodeCategory((int) e.paramAsLong(0))
                    : EventTables.EC_OTHER;
        }
        EventType t = e.type();
        return t != null ? t.category() : EventTables.EC_UNKNOWN;
    }

    /** evt.category: the category's name; I/O events are named after their descriptor (file, net, ipc). */
    static String category(EventContext c) {
        Event e = c.event();
        int cat = categoryCode(e);
        return switch (cat) {
            case EventTables.EC_UNKNOWN -> "unknown";
            case EventTables.EC_OTHER -> "other";
            case EventTables.EC_FILE -> "file";
            case EventTables.EC_NET -> "net";
            case EventTables.EC_IPC -> "IPC";
            case EventTables.EC_MEMORY -> "memory";
            case EventTables.EC_PROCESS -> "process";
            case EventTables.EC_SLEEP -> "sleep";
            case EventTables.EC_SYSTEM -> "system";
            case EventTables.EC_SIGNAL -> "signal";
            case EventTables.EC_USER -> "user";
            case EventTables.EC_TIME -> "time";
            case EventTables.EC_PROCESSING -> "processing";
            case EventTables.EC_IO_READ, EventTables.EC_IO_WRITE, EventTables.EC_IO_OTHER -> {
                FdInfo f = ArgFormatter.isSysdigGeneric(e) ? null : c.fd();
                yield f == null
                        ? "unknown"
                        : switch (f.type()) {
                            case FILE, DIRECTORY -> "file";
                            case IPV4, IPV6 -> "net";
                            case PIPE, UNIX, EVENT, SIGNALFD, INOTIFY, USERFAULTFD -> "ipc";
                            default -> "unknown";
                        };
            }
            case EventTables.EC_WAIT -> "wait";
            case EventTables.EC_SCHEDULER -> "scheduler";
            default -> "unknown";
        };
    }

    /**
     * sysdig's evt.latency: the latency its thread holds, which an exit event sets (ns since the thread's last
     * enter) and an enter event resets to 0; events that are neither (a switch) show the thread's last one.
     */
    static long latency(EventContext c) {
        return c.thread() != null ? c.thread().latency() : 0;
    }

    /**
     * Whether sysdig has a latency for the event: not for an internal event (procinfo...) with a thread, which
     * would otherwise show the thread's last syscall latency; one without a thread has 0.
     */
    static boolean hasLatency(EventContext c) {
        EventType t = c.event().type();
        return c.thread() == null || t == null || (t.category() & EventTables.EC_INTERNAL) == 0;
    }

    /** sysdig's human-readable duration: 512ns, 1.06us, 54us, 1.13ms, 16ms, 1.00s (truncated, not rounded). */
    static String humanDuration(long ns) {
        if (ns < 1000) {
            return ns + "ns";
        }
        long unit;
        String suffix;
        if (ns < 1_000_000) {
            unit = 1000;
            suffix = "us";
        } else if (ns < NS) {
            unit = 1_000_000;
            suffix = "ms";
        } else {
            unit = NS;
            suffix = "s";
        }
        long whole = ns / unit;
        if (whole >= 10) {
            return whole + suffix;
        }
        long hundredths = (ns % unit) / (unit / 100);
        return whole + "." + (hundredths < 10 ? "0" : "") + hundredths + suffix;
    }

    // ---- per-stream clock: first timestamp and the previous shown event, for evt.reltime and evt.deltatime

    /**
     * What the time fields remember about one stream: the first timestamp they saw, the previous shown event's
     * and the current event's distance to it. Each {@link EventContext} owns one ({@link EventContext#clock}).
     */
    static final class Clock {
        long firstTs = Long.MIN_VALUE;
        long lastNum = -1;
        long prevTs = Long.MIN_VALUE;
        long delta;
    }

    /**
     * The stream's clock, updated with the current event: the first event seen gives the stream's start; each
     * event that is a row gets its distance to the previous row (as sysdig -D, which shows internal events).
     */
    static Clock clock(EventContext c) {
        Clock k = c.clock;
        Event e = c.event();
        long num = c.num();
        if (k.lastNum != num) {
            k.lastNum = num;
            long ts = e.ts();
            // Container metadata events carry no time of their own; sysdig does not show internal events.
            boolean meta = e.type() != null && CONTAINER_EVENT[e.typeCode()];
            if (k.firstTs == Long.MIN_VALUE && !meta) {
                k.firstTs = ts;
            }
            // Every row counts, internal events (procinfo...) too: they are rows, as in sysdig -D's output.
            boolean shown = !meta;
            if (shown) {
                k.delta = k.prevTs == Long.MIN_VALUE ? 0 : ts - k.prevTs;
                k.prevTs = ts;
            } else {
                k.delta = 0;
            }
        }
        return k;
    }

    static long reltime(EventContext c) {
        return c.event().ts() - clock(c).firstTs;
    }

    static long deltatime(EventContext c) {
        return clock(c).delta;
    }

    // ---- time text, as sysdig prints it

    /**
     * The UTC offset sysdig applies: the host zone's offset now (sysdig computes it once for the current time,
     * not for the event's date).
     */
    static int zoneOffsetSeconds() {
        return ZoneId.systemDefault()
                .getRules()
                .getOffset(java.time.Instant.now())
                .getTotalSeconds();
    }

    static String timeText(long ts, boolean date, boolean nanos) {
        long sec = Math.floorDiv(ts, NS);
        long ns = Math.floorMod(ts, NS);
        LocalDateTime t = LocalDateTime.ofEpochSecond(sec + zoneOffsetSeconds(), 0, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(30);
        if (date) {
            sb.append(t.getYear()).append('-');
            two(sb, t.getMonthValue());
            sb.append('-');
            two(sb, t.getDayOfMonth());
            sb.append(' ');
        }
        two(sb, t.getHour());
        sb.append(':');
        two(sb, t.getMinute());
        sb.append(':');
        two(sb, t.getSecond());
        if (nanos) {
            sb.append('.');
            nine(sb, ns);
        }
        return sb.toString();
    }

    static String iso8601(long ts) {
        long sec = Math.floorDiv(ts, NS);
        LocalDateTime t = LocalDateTime.ofEpochSecond(sec, 0, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(36);
        sb.append(t.getYear()).append('-');
        two(sb, t.getMonthValue());
        sb.append('-');
        two(sb, t.getDayOfMonth());
        sb.append('T');
        two(sb, t.getHour());
        sb.append(':');
        two(sb, t.getMinute());
        sb.append(':');
        two(sb, t.getSecond());
        sb.append('.');
        nine(sb, Math.floorMod(ts, NS));
        return sb.append("+0000").toString();
    }

    private static void two(StringBuilder sb, int v) {
        if (v < 10) {
            sb.append('0');
        }
        sb.append(v);
    }

    private static void nine(StringBuilder sb, long v) {
        String s = Long.toString(v);
        for (int k = s.length(); k < 9; k++) {
            sb.append('0');
        }
        sb.append(s);
    }

    // ---- extractor helpers

    interface LongIf {
        boolean test(EventContext c);
    }

    static Field.LongExtractor when(LongIf present, java.util.function.ToLongFunction<EventContext> f) {
        return new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                return present.test(c);
            }

            @Override
            public long get(EventContext c) {
                return f.applyAsLong(c);
            }
        };
    }

    static boolean exitWith(EventContext c, int flag) {
        return !c.event().isEnter() && (flags(c.event()) & flag) != 0;
    }

    /** 1 when the event failed, NULL otherwise (sysdig's evt.count.error family). */
    static Field.LongExtractor errorCount(LongIf applies) {
        return when(c -> applies.test(c) && errorState(c.event()) == 1, c -> 1);
    }

    static boolean isOpen(EventType t) {
        int code = t.code();
        return code == EventTables.EVENT_SYSCALL_OPEN_X
                || code == EventTables.EVENT_SYSCALL_OPENAT_E
                || code == EventTables.EVENT_SYSCALL_OPENAT_2_X
                || code == EventTables.EVENT_SYSCALL_OPENAT2_X;
    }

    static boolean fileOpenError(Event e) {
        EventType t = e.type();
        if (t == null) {
            return false;
        }
        int code = t.code();
        // sysdig's list also has open_by_handle_at's exit, which the event table has no row for
        return code == EventTables.EVENT_SYSCALL_OPEN_X
                || code == EventTables.EVENT_SYSCALL_CREAT_X
                || code == EventTables.EVENT_SYSCALL_OPENAT_X
                || code == EventTables.EVENT_SYSCALL_OPENAT_2_X
                || code == EventTables.EVENT_SYSCALL_OPENAT2_X;
    }

    static boolean netError(Event e) {
        return e.type() != null && NET_EXIT[e.typeCode()];
    }

    static boolean isFileFd(FdInfo f) {
        return f.type() == FdType.FILE || f.type() == FdType.DIRECTORY;
    }

    static boolean isNetFd(FdInfo f) {
        return f.type().isInet() || f.type() == FdType.UNIX;
    }

    /** What an open is tested for: evt.is_open_read, evt.is_open_write, evt.is_open_exec. */
    enum OpenCheck {
        /** Opened for reading. */
        READ,
        /** Opened for writing. */
        WRITE,
        /** Creating a file with an execute bit (creat too). */
        EXEC
    }

    /** evt.is_open_read / write / exec: 1 when the event is an open (or for EXEC a creat) that passes {@code what}. */
    static long openCheck(EventContext c, OpenCheck what) {
        Event e = c.event();
        EventType t = e.type();
        if (t == null) {
            return 0;
        }
        if (isOpen(t)) {
            boolean v2 =
                    t.code() == EventTables.EVENT_SYSCALL_OPENAT_2_X || t.code() == EventTables.EVENT_SYSCALL_OPENAT2_X;
            int fi = v2 ? 3 : 2;
            if (fi >= e.nparams() || e.paramLength(fi) != 4) {
                return 0;
            }
            long fl = e.paramAsLong(fi);
            return switch (what) {
                case READ -> (fl & EventTables.O_RDONLY) != 0 ? 1 : 0;
                case WRITE -> (fl & EventTables.O_WRONLY) != 0 ? 1 : 0;
                case EXEC -> {
                    int mi = v2 ? 4 : 3;
                    if ((fl & (EventTables.O_TMPFILE | EventTables.O_CREAT)) == 0
                            || mi >= e.nparams()
                            || e.paramLength(mi) != 4) {
                        yield 0;
                    }
                    yield (e.paramAsLong(mi) & EXEC_BITS) != 0 ? 1 : 0;
                }
            };
        }
        if (what == OpenCheck.EXEC
                && t.code() == EventTables.EVENT_SYSCALL_CREAT_X
                && e.nparams() > 2
                && e.paramLength(2) == 4) {
            return (e.paramAsLong(2) & EXEC_BITS) != 0 ? 1 : 0;
        }
        return 0;
    }

    /**
     * Which path evt.abspath.* resolves: renameat and linkat have a source and a destination; the other events
     * with a directory fd and a path (symlinkat, openat, openat2, unlinkat, mkdirat) have one, both sides.
     * evt.abspath is the source side.
     */
    enum PathSide {
        SOURCE,
        DESTINATION
    }

    /** evt.abspath and evt.abspath.src (SOURCE), evt.abspath.dst (DESTINATION). */
    static String abspath(EventContext c, PathSide side) {
        Event e = c.event();
        EventType t = e.type();
        ThreadInfo th = c.thread();
        if (t == null || th == null || t.isEnter()) {
            return null;
        }
        boolean source = side == PathSide.SOURCE;
        int di = (source ? SOURCE_DIR : DESTINATION_DIR)[t.code()];
        int pi = (source ? SOURCE_PATH : DESTINATION_PATH)[t.code()];
        if (di < 0
                || pi < 0
                || di >= e.nparams()
                || pi >= e.nparams()
                || e.paramLength(di) != 8
                || e.paramLength(pi) == 0) {
            return null;
        }
        long dirfd = e.paramAsLong(di);
        String path = e.paramAsString(pi);
        String dir;
        if (!path.isEmpty() && path.charAt(0) == '/') {
            dir = "";
        } else if (dirfd == -100) {
            dir = c.tracker().threads().cwd(th);
        } else {
            FdInfo f = c.tracker().threads().fd(th, dirfd);
            dir = f == null ? "<UNKNOWN>" : f.name();
        }
        return sysql.capture.state.Paths.resolve(dir, path);
    }

    // ---- parametric fields

    /** A parametric evt field (evt.arg.NAME, evt.arg[N], evt.rawarg.NAME, evt.type.is.NAME), or null. */
    static Field resolve(String name) {
        if (name.startsWith("evt.arg[") && name.endsWith("]")) {
            int n;
            try {
                n = Integer.parseInt(name.substring("evt.arg[".length(), name.length() - 1));
            } catch (NumberFormatException ex) {
                return null;
            }
            if (n < 0) {
                return null;
            }
            return Field.ofString(
                    name,
                    "Argument number " + n + " of the event, resolved to text where possible.",
                    c -> n < c.event().nparams()
                                    && c.event().type() != null
                                    && n < c.event().type().nparams()
                            ? ArgFormatter.arg(c, n)
                            : null);
        }
        if (name.startsWith("evt.arg.")) {
            String p = name.substring("evt.arg.".length());
            if (!paramExists(p)) {
                return null;
            }
            byte[] index = paramIndexByCode(p);
            return Field.ofString(
                    name,
                    "Argument '" + p + "' of the event, resolved to text where possible "
                            + "(the file behind an fd, the errno name, flag names...).",
                    c -> {
                        int i = paramIndex(c.event(), index);
                        return i >= 0 && i < c.event().nparams() ? ArgFormatter.arg(c, i) : null;
                    });
        }
        if (name.startsWith("evt.rawarg.")) {
            String p = name.substring("evt.rawarg.".length());
            if (!paramExists(p)) {
                return null;
            }
            byte[] index = paramIndexByCode(p);
            if (allNumeric(p)) {
                return Field.ofLong(
                        name,
                        FieldType.BIGINT,
                        "Argument '" + p + "' of the event as a number.",
                        new Field.LongExtractor() {
                            @Override
                            public boolean present(EventContext c) {
                                int i = paramIndex(c.event(), index);
                                return i >= 0
                                        && i < c.event().nparams()
                                        && isInteger(c.event().paramLength(i));
                            }

                            @Override
                            public long get(EventContext c) {
                                return c.event().paramAsLong(paramIndex(c.event(), index));
                            }
                        });
            }
            if (firstIsByteBuffer(p)) {
                return Field.ofBytes(
                        name,
                        "Argument '" + p + "' of the event as raw bytes: every captured byte (up to the snaplen for "
                                + "I/O data), uncut; sysdig prints them as they are, up to the first NUL.",
                        c -> {
                            Event e = c.event();
                            int i = paramIndex(e, index);
                            return i >= 0 && i < e.nparams() ? (long) e.paramOffset(i) << 32 | e.paramLength(i) : -1L;
                        });
            }
            return Field.ofString(name, "Argument '" + p + "' of the event as its raw text.", c -> {
                int i = paramIndex(c.event(), index);
                return i >= 0 && i < c.event().nparams() ? ArgFormatter.raw(c, i) : null;
            });
        }
        if (name.startsWith("evt.type.is.")) {
            String t = name.substring("evt.type.is.".length());
            int code = -1;
            // The codes of the event types named t (enter and exit, every version), for a name.
            BitSet named = new BitSet(EventTables.EVENT_CODE_LIMIT);
            try {
                code = Integer.parseInt(t);
            } catch (NumberFormatException ex) {
                for (EventType et : EventTypes.all()) {
                    if (et.name().equals(t)) {
                        named.set(et.code());
                    }
                }
                if (named.isEmpty()) {
                    return null;
                }
            }
            int fcode = code;
            return Field.ofLong(
                    name,
                    FieldType.INTEGER,
                    "1 for events of type '" + t + "', 0 otherwise.",
                    always(c -> (fcode >= 0
                                    ? c.event().typeCode() == fcode
                                    : named.get(c.event().typeCode()))
                            ? 1
                            : 0));
        }
        return null;
    }

    private static boolean isInteger(int len) {
        return len == 1 || len == 2 || len == 4 || len == 8;
    }

    /**
     * By event code, the index of the parameter called {@code p} (its first, as {@link Event#paramIndex(String)}
     * finds it), -1 for the types without one; every entry -1 for a name no type has. Shared: not to be changed.
     */
    static byte[] paramIndexByCode(String p) {
        ParamNames n = ParamNames.BY_NAME.get(p);
        return n != null ? n.indexByCode : ParamNames.NONE;
    }

    /** The index in {@code e} of a parameter whose {@link #paramIndexByCode} is {@code indexByCode}, or -1. */
    static int paramIndex(Event e, byte[] indexByCode) {
        return e.type() != null ? indexByCode[e.typeCode()] : -1;
    }

    static boolean paramExists(String p) {
        return ParamNames.BY_NAME.containsKey(p);
    }

    /**
     * True when the first parameter called {@code p} in the event table (by event code) is a byte buffer: sysdig
     * types {@code evt.rawarg.p} by that parameter ({@code find_longest_matching_evt_param}), so its raw value is
     * the parameter's bytes whatever the event.
     */
    static boolean firstIsByteBuffer(String p) {
        ParamNames n = ParamNames.BY_NAME.get(p);
        return n != null && n.firstIsByteBuffer;
    }

    /** True when every parameter called {@code p}, in every event type, is a fixed-size integer. */
    static boolean allNumeric(String p) {
        ParamNames n = ParamNames.BY_NAME.get(p);
        return n == null || n.allNumeric;
    }

    /**
     * What the event table says of each parameter name, over all event types, gathered in one pass: the catalog
     * declares evt.arg.NAME and evt.rawarg.NAME for every name at start-up, and asking the table once per name
     * walked every event type's parameters each time.
     */
    private static final class ParamNames {
        static final Map<String, ParamNames> BY_NAME = index();
        /** The index by code of a name no type has. */
        static final byte[] NONE = new ParamNames(false).indexByCode;

        final boolean firstIsByteBuffer;
        boolean allNumeric = true;
        /** By event code: the name's first position among the type's parameters, or -1. */
        final byte[] indexByCode = new byte[EventTables.EVENT_CODE_LIMIT];

        private ParamNames(boolean firstIsByteBuffer) {
            this.firstIsByteBuffer = firstIsByteBuffer;
            Arrays.fill(indexByCode, (byte) -1);
        }

        private static Map<String, ParamNames> index() {
            Map<String, ParamNames> byName = new java.util.HashMap<>();
            for (EventType t : EventTypes.all()) {
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (int i = 0; i < t.nparams(); i++) {
                    ParamInfo param = t.params().get(i);
                    if (!seen.add(param.name())) {
                        continue; // paramIndex finds a name's first position only
                    }
                    int type = param.type();
                    ParamNames n =
                            byName.computeIfAbsent(param.name(), k -> new ParamNames(type == EventTables.PT_BYTEBUF));
                    n.indexByCode[t.code()] = (byte) i;
                    int size = ParamInfo.fixedSize(type);
                    if (size < 1 || size > 8 || type == EventTables.PT_DOUBLE) {
                        n.allNumeric = false;
                    }
                }
            }
            return Collections.unmodifiableMap(byName);
        }
    }

    static void register() {
        // ---- evt: number and time
        num(
                "evt.num",
                FieldType.BIGINT,
                "Number of the event in the stream, from 1 (hidden internal events count too).",
                always(EventContext::num));
        add(Field.ofTimestamp(
                "evt.time",
                "Event time as a SQL TIMESTAMP (the stream's event time, for windows; SQL keeps milliseconds). "
                        + "sysdig's %evt.time text, the time of day in the host's time zone with nanoseconds "
                        + "(HH:MM:SS.nnnnnnnnn), is SUBSTRING(evt.datetime FROM 12); evt.rawtime has the nanoseconds.",
                always(c -> c.event().ts()),
                c -> timeText(c.event().ts(), false, true)));
        str(
                "evt.time.s",
                "Event time of day in the host's time zone, without nanoseconds (HH:MM:SS).",
                c -> timeText(c.event().ts(), false, false));
        str(
                "evt.time.iso8601",
                "Event time in ISO 8601, UTC, with nanoseconds (2024-01-31T12:00:00.000000000+0000).",
                c -> iso8601(c.event().ts()));
        str(
                "evt.datetime",
                "Event date and time in the host's time zone, with nanoseconds.",
                c -> timeText(c.event().ts(), true, true));
        str(
                "evt.datetime.s",
                "Event date and time in the host's time zone, without nanoseconds.",
                c -> timeText(c.event().ts(), true, false));
        num(
                "evt.rawtime",
                FieldType.BIGINT,
                "Event time in nanoseconds since the epoch.",
                always(c -> c.event().ts()));
        num(
                "evt.rawtime.s",
                FieldType.BIGINT,
                "Whole seconds of the event time since the epoch.",
                always(c -> Math.floorDiv(c.event().ts(), NS)));
        num(
                "evt.rawtime.ns",
                FieldType.BIGINT,
                "Nanoseconds part of the event time.",
                always(c -> Math.floorMod(c.event().ts(), NS)));
        num(
                "evt.reltime",
                FieldType.BIGINT,
                "Nanoseconds since the first event of the stream.",
                always(EvtFields::reltime));
        num(
                "evt.reltime.s",
                FieldType.BIGINT,
                "Whole seconds since the first event of the stream.",
                always(c -> reltime(c) / NS));
        num(
                "evt.reltime.ns",
                FieldType.BIGINT,
                "Nanoseconds part of the time since the first event of the stream.",
                always(c -> reltime(c) % NS));

        // ---- evt: syscall events
        num(
                "evt.latency",
                FieldType.BIGINT,
                "For an exit event, nanoseconds since its enter event; 0 otherwise; NULL for an internal event "
                        + "(procinfo...) of a known thread, as sysdig.",
                valueIf(EvtFields::hasLatency, EvtFields::latency));
        num(
                "evt.latency.s",
                FieldType.BIGINT,
                "Whole seconds of evt.latency.",
                valueIf(EvtFields::hasLatency, c -> latency(c) / NS));
        num(
                "evt.latency.ns",
                FieldType.BIGINT,
                "Nanoseconds part of evt.latency.",
                valueIf(EvtFields::hasLatency, c -> latency(c) % NS));
        // sysdig formats this text into a buffer of its own and, for an event without a thread, returns the
        // buffer as the previous event left it.
        str("evt.latency.human", "evt.latency as text for people (512ns, 1.06us, 16ms, 1.00s).", c -> {
            if (!hasLatency(c)) {
                return null;
            }
            if (c.thread() != null) {
                c.lastLatencyText = humanDuration(latency(c));
            }
            return c.lastLatencyText;
        });
        num(
                "evt.deltatime",
                FieldType.BIGINT,
                "Nanoseconds since the previous event (row); 0 for the first.",
                always(EvtFields::deltatime));
        num("evt.deltatime.s", FieldType.BIGINT, "Whole seconds of evt.deltatime.", always(c -> deltatime(c) / NS));
        num("evt.deltatime.ns", FieldType.BIGINT, "Nanoseconds part of evt.deltatime.", always(c -> deltatime(c) % NS));
        num(
                "evt.cpu",
                FieldType.INTEGER,
                "CPU the event happened on.",
                always(c -> c.event().cpu()));
        str(
                "evt.dir",
                "Direction: '>' on entry to a syscall, '<' on its return.",
                c -> c.event().isEnter() ? ">" : "<");
        str(
                "evt.type",
                "Event type: the syscall's name (generic syscalls too), or procexit, signaldeliver...",
                c -> c.event().syscallName());
        str(
                "syscall.type",
                "The syscall's name, for syscall events only (NULL for scheduler and internal events).",
                c -> {
                    int cat = c.event().type() != null ? c.event().type().category() : 0;
                    return cat == EventTables.EC_SCHEDULER || (cat & EventTables.EC_INTERNAL) != 0
                            ? null
                            : c.event().syscallName();
                });
        str(
                "evt.category",
                "Category of the event: file, net, IPC, memory, process, sleep, system, signal, user, "
                        + "time, wait, scheduler...; I/O events take their descriptor's (file, net, ipc, unknown).",
                EvtFields::category);
        str(
                "evt.args",
                "Every argument of the event as sysdig prints them: name=value, with the resolved value "
                        + "(the file behind an fd, errno and flag names, a pid's name) in parentheses.",
                ArgFormatter::args);
        str(
                "evt.info",
                "Same as evt.args (sysdig decodes writes to /dev/log here; sysql does not).",
                ArgFormatter::args);
        str(
                "evt.buffer",
                "The data buffer of I/O events (read, write, recvfrom...), non-printable bytes as dots; longer "
                        + "than the snaplen setting (default 80), cut to it ending in '...'. "
                        + "evt.rawarg.data has the bytes.",
                c -> {
                    int i = paramIndex(c.event(), DATA_INDEX);
                    return i >= 0 && i < c.event().nparams() ? ArgFormatter.raw(c, i) : null;
                });
        num(
                "evt.buflen",
                FieldType.BIGINT,
                "Length of the data an I/O event read or wrote (its result).",
                when(
                        c -> {
                            Event e = c.event();
                            return !e.isEnter()
                                    && c.fd() != null
                                    && (categoryCode(e) & EventTables.EC_IO_READ) != 0
                                    && e.nparams() > 0
                                    && e.paramLength(0) == 8
                                    && e.paramAsLong(0) >= 0;
                        },
                        c -> c.event().paramAsLong(0)));
        str("evt.res", "Result of an exit event: SUCCESS, or the errno name (ENOENT...) when it failed.", c -> {
            Event e = c.event();
            int i = resIndex(e);
            if (i < 0) {
                return null;
            }
            long r = e.paramAsLong(i);
            if (r >= 0) {
                return "SUCCESS";
            }
            String n = Errno.name(-r);
            return n != null ? n : Long.toString(r);
        });
        num(
                "evt.rawres",
                FieldType.BIGINT,
                "Result of an exit event as a number (negative errno on failure).",
                new Field.LongExtractor() {
                    @Override
                    public boolean present(EventContext c) {
                        return resIndex(c.event()) >= 0;
                    }

                    @Override
                    public long get(EventContext c) {
                        return c.event().paramAsLong(resIndex(c.event()));
                    }
                });
        num(
                "evt.failed",
                FieldType.BOOLEAN,
                "True for events whose result is an error.",
                always(c -> errorState(c.event()) == 1 ? 1 : 0));
        num(
                "evt.is_io",
                FieldType.BOOLEAN,
                "True for events that read or write a descriptor.",
                always(c -> (flags(c.event()) & (EventTables.EF_READS_FROM_FD | EventTables.EF_WRITES_TO_FD)) != 0
                        ? 1
                        : 0));
        num(
                "evt.is_io_read",
                FieldType.BOOLEAN,
                "True for events that read from a descriptor.",
                always(c -> (flags(c.event()) & EventTables.EF_READS_FROM_FD) != 0 ? 1 : 0));
        num(
                "evt.is_io_write",
                FieldType.BOOLEAN,
                "True for events that write to a descriptor.",
                always(c -> (flags(c.event()) & EventTables.EF_WRITES_TO_FD) != 0 ? 1 : 0));
        str("evt.io_dir", "'read' for events that read from a descriptor, 'write' for those that write to one.", c -> {
            int f = flags(c.event());
            return (f & EventTables.EF_WRITES_TO_FD) != 0
                    ? "write"
                    : (f & EventTables.EF_READS_FROM_FD) != 0 ? "read" : null;
        });
        num(
                "evt.is_wait",
                FieldType.BOOLEAN,
                "True for events that make the thread wait (sleep, select, poll...).",
                always(c -> (flags(c.event()) & EventTables.EF_WAITS) != 0 ? 1 : 0));
        num(
                "evt.wait_latency",
                FieldType.BIGINT,
                "For the exit of a waiting event (sleep, select, poll...), nanoseconds spent waiting.",
                when(c -> exitWith(c, EventTables.EF_WAITS), EvtFields::latency));
        num("evt.is_syslog", FieldType.BOOLEAN, "True for writes to /dev/log.", always(c -> {
            FdInfo f = c.fd();
            return (flags(c.event()) & EventTables.EF_WRITES_TO_FD) != 0
                            && f != null
                            && f.type() == FdType.UNIX
                            && f.name().contains("/dev/log")
                    ? 1
                    : 0;
        }));
        num("evt.count", FieldType.INTEGER, "Always 1: counts events.", always(c -> 1));
        num("evt.count.error", FieldType.INTEGER, "1 for events that failed, NULL otherwise.", errorCount(c -> true));
        num(
                "evt.count.error.file",
                FieldType.INTEGER,
                "1 for failed events on files, NULL otherwise.",
                errorCount(c -> c.fd() != null ? isFileFd(c.fd()) : fileOpenError(c.event())));
        num(
                "evt.count.error.net",
                FieldType.INTEGER,
                "1 for failed events on sockets, NULL otherwise.",
                errorCount(c -> c.fd() != null ? isNetFd(c.fd()) : netError(c.event())));
        num(
                "evt.count.error.memory",
                FieldType.INTEGER,
                "1 for failed memory events, NULL otherwise.",
                errorCount(c -> categoryCode(c.event()) == EventTables.EC_MEMORY));
        num(
                "evt.count.error.other",
                FieldType.INTEGER,
                "1 for failed events that are not about files, sockets or memory, NULL otherwise.",
                errorCount(c -> c.fd() != null
                        ? !isFileFd(c.fd()) && !isNetFd(c.fd())
                        : !fileOpenError(c.event())
                                && !netError(c.event())
                                && categoryCode(c.event()) != EventTables.EC_MEMORY));
        num(
                "evt.count.exit",
                FieldType.INTEGER,
                "1 for exit events, NULL otherwise.",
                when(c -> !c.event().isEnter(), c -> 1));
        str(
                "evt.abspath",
                "Absolute path from a dirfd and a name (openat, renameat, symlinkat, mkdirat...).",
                c -> abspath(c, PathSide.SOURCE));
        str(
                "evt.abspath.src",
                "Absolute source path of renameat and linkat (the path of the others).",
                c -> abspath(c, PathSide.SOURCE));
        str(
                "evt.abspath.dst",
                "Absolute destination path of renameat and linkat.",
                c -> abspath(c, PathSide.DESTINATION));
        num(
                "evt.is_open_read",
                FieldType.BOOLEAN,
                "True for open/openat/openat2 opening the file for reading.",
                always(c -> openCheck(c, OpenCheck.READ)));
        num(
                "evt.is_open_write",
                FieldType.BOOLEAN,
                "True for open/openat/openat2 opening the file for writing.",
                always(c -> openCheck(c, OpenCheck.WRITE)));
        num(
                "evt.is_open_exec",
                FieldType.BOOLEAN,
                "True for open/openat/openat2/creat creating a file with execute permission.",
                always(c -> openCheck(c, OpenCheck.EXEC)));
    }
}
