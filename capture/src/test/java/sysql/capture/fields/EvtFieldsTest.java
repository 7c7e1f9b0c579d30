// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.capture.ParamInfo;
import sysql.capture.scap.InitialState;
import sysql.capture.scap.ProcessInfo;
import sysql.capture.scap.SectionHeader;
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;
import sysql.driver.EventTables;

/** evt fields on hand-built events: the tricky renderings of evt.args and the time and parametric fields. */
class EvtFieldsTest {
    private static TimeZone savedZone;
    private EventContext ctx;
    private Users users;
    private long ts = 1_470_327_477_881_730_713L;

    @BeforeAll
    static void utc() {
        savedZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    }

    @AfterAll
    static void restoreZone() {
        TimeZone.setDefault(savedZone);
    }

    @BeforeEach
    void stream() {
        users = new Users();
        users.addUser(new Users.User(0, 0, "root", "/root", "/bin/sh"));
        // The thread 20072 (bash in /home/u, as a capture file's process table records it) execs "cat".
        ThreadTable threads = new ThreadTable(null);
        ProcessInfo bash = new ProcessInfo(
                20072,
                20072,
                11310,
                -1,
                -1,
                "bash",
                "bash",
                "/usr/bin/bash",
                List.of(),
                "/home/u",
                1024,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                List.of(),
                20072,
                20072,
                List.of(),
                "/",
                0,
                0,
                -1,
                false,
                0,
                0,
                0,
                false,
                0,
                0,
                0,
                false);
        CaptureFileState.seed(
                new InitialState(
                        new SectionHeader(1, 2, -1, 0),
                        null,
                        List.of(bash),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of()),
                threads,
                users);
        ctx = new EventContext(new StateTracker(threads), users);
        feed(
                exit("execve")
                        .p("res", 0)
                        .s("exe", "cat")
                        .list("args", List.of("/etc/hostname"))
                        .p("tid", 20072)
                        .p("pid", 20072)
                        .p("ptid", 11310)
                        .s("cwd", "/home/u")
                        .s("comm", "cat"),
                20072);
    }

    private void feed(Ev ev, long tid) {
        ctx.advance(ev.event(ts += 1000, tid));
    }

    private String get(String field) {
        return FieldCatalog.get(field).format(ctx);
    }

    private String args(Ev ev) {
        feed(ev, 20072);
        return get("evt.args");
    }

    @Test
    void descriptorsErrnosAndFlags() {
        assertEquals(
                "fd=3(<f>/etc/hostname) dirfd=-100(AT_FDCWD) name=/etc/hostname flags=4097(O_RDONLY|O_CLOEXEC) "
                        + "mode=0 dev=803 ",
                args(exit("openat")
                        .p("fd", 3)
                        .p("dirfd", -100)
                        .s("name", "/etc/hostname")
                        .p("flags", 4097)
                        .p("mode", 0)
                        .p("dev", 0x803)));
        assertEquals(
                "fd=3(<f>/etc/hostname) size=10 ", args(enter("read").p("fd", 3).p("size", 10)));
        assertEquals("<f>/etc/hostname", get("evt.arg.fd"));
        assertEquals("<f>/etc/hostname", get("evt.arg[0]"));
        assertEquals("res=-2(ENOENT) data= ", args(exit("read").p("res", -2).raw("data", new byte[0])));
        assertEquals("ENOENT", get("evt.arg.res"));
        assertEquals("-2", get("evt.rawarg.res"));
        // An fd the tables do not know is just a number; -1 reads as an errno (sysdig's quirk).
        assertEquals("fd=7 size=1 ", args(enter("read").p("fd", 7).p("size", 1)));
        assertEquals("fd=-1(EPERM) size=1 ", args(enter("read").p("fd", -1).p("size", 1)));
        // Flags: exact 0 matches the zero entry; octal modes.
        assertEquals("mode=0(F_OK) ", args(enter("access").p("mode", 0)));
        assertEquals(
                "dirfd=-100(AT_FDCWD) name=x(/home/u/x) flags=262(O_TRUNC|O_CREAT|O_WRONLY) mode=0644 ",
                args(enter("openat")
                        .p("dirfd", -100)
                        .s("name", "x")
                        .p("flags", 262)
                        .p("mode", 0644)));
    }

    @Test
    void relativePathsPidsSignalsAndTimes() {
        assertEquals(
                "dirfd=-100(AT_FDCWD) name=a/../b(/home/u/b) flags=1(O_RDONLY) mode=0 ",
                args(enter("openat")
                        .p("dirfd", -100)
                        .s("name", "a/../b")
                        .p("flags", 1)
                        .p("mode", 0)));
        assertEquals("/home/u/b", get("evt.arg.name"));
        assertEquals("a/../b", get("evt.rawarg.name"));
        assertEquals(
                "pid=20072(cat) sig=9(SIGKILL) ",
                args(enter("kill").p("pid", 20072).p("sig", 9)));
        assertEquals(
                "pid=4242 sig=17(SIGCHLD) ", args(enter("kill").p("pid", 4242).p("sig", 17)));
        assertEquals("interval=1000000000(1s) ", args(enter("nanosleep").p("interval", 1_000_000_000L)));
        assertEquals("interval=1500(1.5e-06s) ", args(enter("nanosleep").p("interval", 1500)));
        assertEquals("uid=0(root) ", args(enter("setuid").p("uid", 0)));
        assertEquals("uid=1000(<NA>) ", args(enter("setuid").p("uid", 1000)));
        assertEquals("uid=-1(<NONE>) ", args(enter("setuid").p("uid", -1)));
    }

    @Test
    void numbersInTheirPrintFormats() {
        assertEquals(
                "res=55DB0DE73000 vm_size=508 vm_rss=4 vm_swap=0 ",
                args(exit("brk")
                        .p("res", 0x55DB0DE73000L)
                        .p("vm_size", 508)
                        .p("vm_rss", 4)
                        .p("vm_swap", 0)));
        assertEquals("fd=3 size=4294967295 ", args(enter("read").p("fd", 3).p("size", 0xffffffffL)));
    }

    @Test
    void buffersAreDottedAndCutAt80() {
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i % 10 == 0 ? 0 : 'a' + i % 26);
        }
        String a = args(exit("write").p("res", 100).raw("data", data));
        String shown = a.substring("res=100 data=".length(), a.length() - 1);
        assertEquals(80, shown.length());
        assertTrue(shown.startsWith(".bcdefghij.lmnop"), shown);
        assertTrue(shown.endsWith("..."), shown);
        assertEquals(shown, get("evt.buffer"));
        // exactly 80 bytes: no ellipsis
        byte[] eighty = "x".repeat(80).getBytes(StandardCharsets.US_ASCII);
        args(exit("write").p("res", 80).raw("data", eighty));
        assertEquals("x".repeat(80), get("evt.buffer"));
    }

    @Test
    void socketsAndEmptyParameters() {
        assertEquals(
                "res=0 tuple=127.0.0.1:47192->127.0.0.1:80 ",
                args(exit("connect")
                        .p("res", 0)
                        .raw("tuple", tuple4(new int[] {127, 0, 0, 1}, 47192, new int[] {127, 0, 0, 1}, 80))));
        assertEquals(
                "res=5 data=hello tuple=NULL ",
                args(exit("recvfrom")
                        .p("res", 5)
                        .raw("data", "hello".getBytes(StandardCharsets.US_ASCII))
                        .raw("tuple", new byte[0])));
        byte[] v6 = new byte[37];
        v6[0] = (byte) EventTables.AF_INET6;
        byte[] src = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0};
        byte[] dst = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0};
        System.arraycopy(src, 0, v6, 1, 16);
        ByteBuffer.wrap(v6).order(ByteOrder.LITTLE_ENDIAN).putShort(17, (short) 54405);
        System.arraycopy(dst, 0, v6, 19, 16);
        ByteBuffer.wrap(v6).order(ByteOrder.LITTLE_ENDIAN).putShort(35, (short) 1234);
        assertEquals(
                "res=-115(EINPROGRESS) tuple=2001:db8::4:0:54405->2001:db8::3:0:1234 ",
                args(exit("connect").p("res", -115).raw("tuple", v6)));
    }

    @Test
    void ipv6TextLikeInetNtop() {
        assertEquals("::1", v6(new int[] {0, 0, 0, 0, 0, 0, 0, 1}));
        assertEquals("::", v6(new int[] {0, 0, 0, 0, 0, 0, 0, 0}));
        assertEquals("2001:db8::3:1", v6(new int[] {0x2001, 0xdb8, 0, 0, 0, 0, 3, 1}));
        assertEquals("::ffff:10.0.0.1", v6(new int[] {0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001}));
        assertEquals("1:0:2::", v6(new int[] {1, 0, 2, 0, 0, 0, 0, 0}));
        assertEquals("1:2:3:4:5:6:7:8", v6(new int[] {1, 2, 3, 4, 5, 6, 7, 8}));
    }

    private static String v6(int[] groups) {
        ByteBuffer b = ByteBuffer.allocate(16);
        for (int g : groups) {
            b.putShort((short) g);
        }
        StringBuilder sb = new StringBuilder();
        ArgFormatter.ipv6(b, 0, sb);
        return sb.toString();
    }

    @Test
    void genericEventsHaveNoArgsButNameTheirSyscall() {
        int code = -1;
        for (int i = 0; i < 400 && code < 0; i++) {
            if ("clock_gettime".equals(EventTypes.syscallCodeName(i))) {
                code = i;
            }
        }
        feed(enter("syscall").p("ID", code).p("nativeID", 228), 20072);
        assertEquals("", get("evt.args"));
        assertEquals("clock_gettime", get("evt.arg[0]"));
        assertEquals("clock_gettime", get("evt.type"));
        assertEquals("time", get("evt.category"));
        assertEquals("<NA>", get("evt.arg[7]"));
    }

    @Test
    void timesAndDurations() {
        feed(enter("read").p("fd", 3).p("size", 1), 20072);
        long t = ctx.event().ts();
        assertEquals(t, FieldCatalog.get("evt.rawtime").getLong(ctx));
        assertEquals("2016-08-04 16:17:57." + String.format("%09d", t % 1_000_000_000L), get("evt.datetime"));
        assertEquals("16:17:57", get("evt.time.s"));
        assertEquals(
                "2016-08-04T16:17:57." + String.format("%09d", t % 1_000_000_000L) + "+0000", get("evt.time.iso8601"));
        assertEquals("0ns", EvtFields.humanDuration(0));
        assertEquals("999ns", EvtFields.humanDuration(999));
        assertEquals("1.06us", EvtFields.humanDuration(1068));
        assertEquals("15us", EvtFields.humanDuration(15990));
        assertEquals("1.13ms", EvtFields.humanDuration(1_135_665));
        assertEquals("11ms", EvtFields.humanDuration(11_951_897));
        assertEquals("1.00s", EvtFields.humanDuration(1_000_114_637L));
        assertEquals("1", ArgFormatter.cDoubleG(1));
        assertEquals("0.5", ArgFormatter.cDoubleG(0.5));
        assertEquals("1e+06", ArgFormatter.cDoubleG(1e6));
        assertEquals("123457", ArgFormatter.cDoubleG(123456.7));
        assertEquals("0.0001", ArgFormatter.cDoubleG(1e-4));
        assertEquals("1.5e-05", ArgFormatter.cDoubleG(1.5e-5));
    }

    @Test
    void relativeAndDeltaTimesPerStream() {
        long first = ctx.event().ts();
        assertEquals(0, FieldCatalog.get("evt.reltime").getLong(ctx));
        assertEquals(0, FieldCatalog.get("evt.deltatime").getLong(ctx));
        feed(enter("read").p("fd", 3).p("size", 1), 20072);
        assertEquals(ctx.event().ts() - first, FieldCatalog.get("evt.reltime").getLong(ctx));
        assertEquals(1000, FieldCatalog.get("evt.deltatime").getLong(ctx));
        assertEquals(1000, FieldCatalog.get("evt.deltatime").getLong(ctx), "asking twice changes nothing");
        // Another stream has its own clock.
        EventContext other = new EventContext(new StateTracker(new ThreadTable(null)), users);
        other.advance(enter("read").p("fd", 3).p("size", 1).event(5, 1));
        assertEquals(0, FieldCatalog.get("evt.reltime").getLong(other));
        assertEquals(0, FieldCatalog.get("evt.deltatime").getLong(other));
    }

    @Test
    void clocksOfAlternatingStreamsAndContainerEvents() {
        long first = ctx.event().ts();
        Field reltime = FieldCatalog.get("evt.reltime");
        Field deltatime = FieldCatalog.get("evt.deltatime");
        assertEquals(0, reltime.getLong(ctx));
        EventContext other = new EventContext(new StateTracker(new ThreadTable(null)), users);
        other.advance(enter("read").p("fd", 3).p("size", 1).event(5, 1));
        assertEquals(0, reltime.getLong(other));
        feed(enter("read").p("fd", 3).p("size", 1), 20072);
        other.advance(enter("read").p("fd", 3).p("size", 1).event(12, 1));
        assertEquals(1000, deltatime.getLong(ctx));
        assertEquals(7, deltatime.getLong(other));
        assertEquals(7, reltime.getLong(other));
        // A container event (no time of its own) is no shown row: delta 0, and the next row's delta spans it.
        feed(
                new Ev(EventTypes.byCode(EventTables.EVENT_CONTAINER_E))
                        .s("id", "abc")
                        .p("type", 0)
                        .s("name", "c")
                        .s("image", "i"),
                0);
        assertEquals(0, deltatime.getLong(ctx));
        feed(exit("read").p("res", 0).raw("data", new byte[0]), 20072);
        assertEquals(2000, deltatime.getLong(ctx));
        assertEquals(ctx.event().ts() - first, reltime.getLong(ctx));
        // A stream whose first event is a container event starts its clock at the next one.
        EventContext third = new EventContext(new StateTracker(new ThreadTable(null)), users);
        third.advance(new Ev(EventTypes.byCode(EventTables.EVENT_CONTAINER_E))
                .s("id", "abc")
                .p("type", 0)
                .s("name", "c")
                .s("image", "i")
                .event(0, 0));
        assertEquals(0, deltatime.getLong(third));
        third.advance(enter("read").p("fd", 3).p("size", 1).event(50, 1));
        assertEquals(0, reltime.getLong(third));
        assertEquals(0, deltatime.getLong(third));
    }

    @Test
    void absolutePathsOfBothSides() {
        feed(
                exit("renameat2")
                        .p("res", 0)
                        .p("olddirfd", -100)
                        .s("oldpath", "a")
                        .p("newdirfd", -100)
                        .s("newpath", "/tmp/b")
                        .p("flags", 0),
                20072);
        assertEquals("/home/u/a", get("evt.abspath"));
        assertEquals("/home/u/a", get("evt.abspath.src"));
        assertEquals("/tmp/b", get("evt.abspath.dst"));
        feed(
                exit("linkat")
                        .p("res", 0)
                        .p("olddir", -100)
                        .s("oldpath", "x")
                        .p("newdir", -100)
                        .s("newpath", "y"),
                20072);
        assertEquals("/home/u/x", get("evt.abspath.src"));
        assertEquals("/home/u/y", get("evt.abspath.dst"));
        feed(exit("mkdirat").p("res", 0).p("dirfd", -100).s("path", "d").p("mode", 0), 20072);
        assertEquals("/home/u/d", get("evt.abspath"));
        assertEquals("/home/u/d", get("evt.abspath.dst"));
        feed(enter("read").p("fd", 3).p("size", 1), 20072);
        assertEquals("<NA>", get("evt.abspath"));
        assertEquals("<NA>", get("evt.abspath.dst"));
    }

    @Test
    void typeIsMatchesEveryVersionOfTheName() {
        feed(
                enter("openat")
                        .p("dirfd", -100)
                        .s("name", "/etc/hostname")
                        .p("flags", 1)
                        .p("mode", 0),
                20072);
        assertEquals("1", get("evt.type.is.openat"));
        assertEquals("0", get("evt.type.is.open"));
        assertEquals("1", get("evt.type.is." + ctx.event().typeCode()));
        feed(
                exit("openat")
                        .p("fd", 3)
                        .p("dirfd", -100)
                        .s("name", "/etc/hostname")
                        .p("flags", 1)
                        .p("mode", 0)
                        .p("dev", 0),
                20072);
        assertEquals("1", get("evt.type.is.openat"));
        assertEquals("0", get("evt.type.is." + (ctx.event().typeCode() - 1)));
        assertEquals("0", get("evt.type.is.-1"));
        assertEquals("true", get("evt.is_open_read"));
        assertEquals("false", get("evt.is_open_exec"));
    }

    @Test
    void flagsAndCountsOfIoEvents() {
        args(exit("openat")
                .p("fd", 3)
                .p("dirfd", -100)
                .s("name", "/etc/hostname")
                .p("flags", 1)
                .p("mode", 0)
                .p("dev", 0));
        assertEquals("true", get("evt.is_open_read"));
        assertEquals("false", get("evt.is_open_write"));
        assertEquals("/etc/hostname", get("evt.abspath"));
        feed(enter("read").p("fd", 3).p("size", 10), 20072);
        feed(exit("read").p("res", 4).raw("data", "abcd".getBytes(StandardCharsets.US_ASCII)), 20072);
        assertEquals("true", get("evt.is_io"));
        assertEquals("true", get("evt.is_io_read"));
        assertEquals("false", get("evt.is_io_write"));
        assertEquals("read", get("evt.io_dir"));
        assertEquals("file", get("evt.category"));
        assertEquals("4", get("evt.buflen"));
        assertEquals("1000", get("evt.latency"));
        assertEquals("<NA>", get("evt.count.error"));
        assertEquals("1", get("evt.count.exit"));
        assertEquals("1", get("evt.count"));
        feed(enter("read").p("fd", 3).p("size", 10), 20072);
        feed(exit("read").p("res", -11).raw("data", new byte[0]), 20072);
        assertEquals("true", get("evt.failed"));
        assertEquals("1", get("evt.count.error"));
        assertEquals("1", get("evt.count.error.file"));
        assertEquals("<NA>", get("evt.count.error.net"));
        assertEquals("<NA>", get("evt.buflen"));
    }

    @Test
    void parametricNames() {
        assertEquals(FieldType.BIGINT, FieldCatalog.get("evt.rawarg.res").type());
        assertEquals(FieldType.VARCHAR, FieldCatalog.get("evt.rawarg.name").type());
        assertEquals(FieldType.VARCHAR, FieldCatalog.get("evt.arg.fd").type());
        assertNull(FieldCatalog.get("evt.arg.no_such_parameter"));
        assertNull(FieldCatalog.get("evt.rawarg.no_such_parameter"));
        assertNull(FieldCatalog.get("evt.arg[x]"));
        assertNull(FieldCatalog.get("evt.type.is.no_such_event"));
        feed(enter("read").p("fd", 3).p("size", 1), 20072);
        assertEquals("1", get("evt.type.is.read"));
        assertEquals("0", get("evt.type.is.write"));
        assertEquals("<NA>", get("evt.arg.name"));
        assertFalse(FieldCatalog.get("evt.rawarg.fd").isNull(ctx));
        assertEquals(3, FieldCatalog.get("evt.rawarg.fd").getLong(ctx));
    }

    // ---- a small event builder (by sysdig name and parameter names, with the ABI table's types)

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

    static Ev enter(String name) {
        return new Ev(newest(name, true));
    }

    static Ev exit(String name) {
        return new Ev(newest(name, false));
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

    static final class Ev {
        private final EventType type;
        private final Map<String, byte[]> values = new HashMap<>();

        Ev(EventType type) {
            this.type = type;
        }

        Ev p(String name, long v) {
            int i = index(name);
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

        Ev s(String name, String v) {
            index(name);
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[b.length + 1];
            System.arraycopy(b, 0, out, 0, b.length);
            values.put(name, out);
            return this;
        }

        Ev list(String name, List<String> items) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            for (String x : items) {
                o.writeBytes(x.getBytes(StandardCharsets.UTF_8));
                o.write(0);
            }
            return raw(name, o.toByteArray());
        }

        Ev raw(String name, byte[] bytes) {
            index(name);
            values.put(name, bytes);
            return this;
        }

        private int index(String name) {
            int i = type.paramIndex(name);
            if (i < 0) {
                throw new IllegalArgumentException(type + " has no parameter " + name);
            }
            return i;
        }

        Event event(long ts, long tid) {
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
            return new Event().wrap(ByteBuffer.wrap(b.array()).order(ByteOrder.LITTLE_ENDIAN), 0, 0);
        }
    }
}
