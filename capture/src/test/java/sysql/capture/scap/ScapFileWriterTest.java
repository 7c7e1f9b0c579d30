// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.capture.CaptureException;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.driver.EventTables;

/**
 * The writer on a small synthetic capture: sysql's reader gets back the same initial state and the same events
 * (extension events downgraded to sysdig's generic event, or kept as they are), and sysdig 0.29.3 reads the file.
 */
class ScapFileWriterTest {
    @TempDir
    Path dir;

    /** An event as written to a batch or file: cpu and the 26-byte-header event bytes. */
    record Ev(int cpu, byte[] bytes) {
        Event view() {
            return new Event().wrap(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), 0, cpu);
        }
    }

    static byte[] event(long ts, long tid, int code, byte[]... params) {
        int len = Event.HEADER_LEN + 2 * params.length;
        for (byte[] p : params) {
            len += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(ts).putLong(tid).putInt(len).putShort((short) code).putInt(params.length);
        for (byte[] p : params) {
            b.putShort((short) p.length);
        }
        for (byte[] p : params) {
            b.put(p);
        }
        return b.array();
    }

    static byte[] u16(int v) {
        return ByteBuffer.allocate(2)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) v)
                .array();
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] i64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    static int code(String name, boolean enter) {
        EventType best = null;
        for (EventType t : EventTypes.all()) {
            if (t.name().equals(name)
                    && t.isEnter() == enter
                    && t.code() < ScapFileWriter.SYSDIG_EVENT_LIMIT
                    && (best == null || t.code() > best.code())) {
                best = t;
            }
        }
        assertNotNull(best, name);
        return best.code();
    }

    static final long T0 = 1_700_000_000_000_000_000L;
    static final int GENERIC_E = EventTables.EVENT_GENERIC_E;
    static final int ARGS_E = EventTables.EVENT_GENERIC_ARGS_E;
    /** sysdig's syscall codes and x86_64 numbers used below, checked against the tables. */
    static final int SC_RT_SIGACTION = 107;

    static final int SC_EPOLL_CREATE1 = 227;

    /** The events written: typed sysdig events, sysql's generic ones with raw args, sysql's typed extensions. */
    static List<Ev> input() {
        assertEquals("rt_sigaction", EventTypes.syscallCodeName(SC_RT_SIGACTION));
        assertEquals("epoll_create1", EventTypes.syscallCodeName(SC_EPOLL_CREATE1));
        byte[] big = new byte[59_999];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        List<Ev> in = new ArrayList<>();
        in.add(new Ev(0, event(T0, 100, code("close", true), i64(3))));
        in.add(new Ev(0, event(T0 + 1, 100, code("close", false), i64(0))));
        in.add(new Ev(
                1,
                event(
                        T0 + 2,
                        101,
                        ARGS_E,
                        u16(SC_RT_SIGACTION),
                        u16(13),
                        i64(1),
                        i64(2),
                        i64(3),
                        i64(4),
                        i64(5),
                        i64(-1))));
        in.add(new Ev(1, event(T0 + 3, 101, ARGS_E + 1, u16(SC_RT_SIGACTION), u16(13), i64(0))));
        in.add(new Ev(2, event(T0 + 4, 200, 376, u32(0x80000))));
        in.add(new Ev(2, event(T0 + 5, 200, 377, i64(5))));
        in.add(new Ev(3, event(T0 + 6, 100, 404)));
        in.add(new Ev(3, event(T0 + 7, 100, 405, i64(6), str("buf"), u32(1))));
        in.add(new Ev(0, event(T0 + 8, 100, ARGS_E, u16(0), u16(334), i64(0), i64(0), i64(0), i64(0), i64(0), i64(0))));
        in.add(new Ev(0, event(T0 + 9, 100, ARGS_E + 1, u16(0), u16(334), i64(-38))));
        in.add(new Ev(1, event(T0 + 10, 101, code("write", true), i64(1), u32(big.length))));
        in.add(new Ev(1, event(T0 + 11, 101, code("write", false), i64(big.length), big)));
        for (Ev e : in) {
            e.view(); // well formed
        }
        return in;
    }

    static byte[] genericEnter(long ts, long tid, int id, int nativeId) {
        return event(ts, tid, GENERIC_E, u16(id), u16(nativeId));
    }

    static byte[] genericExit(long ts, long tid, int id) {
        return event(ts, tid, GENERIC_E + 1, u16(id));
    }

    /** What a sysdig-compatible file holds for {@link #input()}. */
    static List<Ev> downgraded() {
        List<Ev> in = input();
        assertEquals(291, EventTypes.syscallNumber("epoll_create1"));
        assertEquals(319, EventTypes.syscallNumber("memfd_create"));
        List<Ev> out = new ArrayList<>(in);
        out.set(2, new Ev(1, genericEnter(T0 + 2, 101, SC_RT_SIGACTION, 13)));
        out.set(3, new Ev(1, genericExit(T0 + 3, 101, SC_RT_SIGACTION)));
        out.set(4, new Ev(2, genericEnter(T0 + 4, 200, SC_EPOLL_CREATE1, 291)));
        out.set(5, new Ev(2, genericExit(T0 + 5, 200, SC_EPOLL_CREATE1)));
        out.set(6, new Ev(3, genericEnter(T0 + 6, 100, 0, 319)));
        out.set(7, new Ev(3, genericExit(T0 + 7, 100, 0)));
        out.set(8, new Ev(0, genericEnter(T0 + 8, 100, 0, 334)));
        out.set(9, new Ev(0, genericExit(T0 + 9, 100, 0)));
        return out;
    }

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    static ProcessInfo process(long tid, long pid, long ptid, String comm, String exe, List<String> args, int uid) {
        // fields process list v9 as sysdig 0.29.3 reads it does not carry stay at the reader's defaults; a thread
        // shares its process's fds only with libscap's flags CLONE_THREAD | CLONE_FILES
        int flags = tid == pid ? 0 : 0x2001;
        return new ProcessInfo(
                tid,
                pid,
                ptid,
                7,
                8,
                comm,
                exe,
                "/usr/bin/" + comm,
                args,
                "/home/u",
                1024,
                flags,
                uid,
                uid,
                1000,
                500,
                0,
                3,
                4,
                List.of("PATH=/usr/bin", "HOME=/home/u", ""),
                tid,
                pid,
                List.of("cpu=/user.slice", "unified=/user.slice/session-1.scope"),
                "/",
                0,
                0,
                1000,
                true,
                0x1,
                0x2,
                0x3,
                false,
                0,
                0,
                0,
                false);
    }

    static InitialState state() throws Exception {
        MachineInfo machine =
                new MachineInfo(4, 8L << 30, 4_194_304, "sysql-host", 1_699_999_000_000_000_000L, 0, 0, 0);
        List<ProcessInfo> procs = List.of(
                process(100, 100, 1, "server", "/usr/bin/server", List.of("--port", "80"), 0),
                process(101, 100, 1, "server", "/usr/bin/server", List.of("--port", "80"), 0),
                process(200, 200, 100, "client", "client", List.of(), 1000));
        List<ScapFdInfo> fds = new ArrayList<>();
        fds.add(new ScapFdInfo(100, 0, 11, ScapFdType.FILE_V2, "/dev/null", 1, 0x1234, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(100, 1, 12, ScapFdType.FIFO, "pipe:[12]", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(100, 2, 13, ScapFdType.DIRECTORY, "/tmp", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(100, 3, 14, ScapFdType.IPV4_SERVSOCK, "", 0, 0, ip("0.0.0.0"), null, 80, 0, 2, 0, 0));
        fds.add(new ScapFdInfo(
                100, 4, 15, ScapFdType.IPV4_SOCK, "", 0, 0, ip("127.0.0.1"), ip("127.0.0.1"), 80, 41000, 2, 0, 0));
        fds.add(new ScapFdInfo(100, 5, 16, ScapFdType.IPV6_SERVSOCK, "", 0, 0, ip("::"), null, 8080, 0, 2, 0, 0));
        fds.add(new ScapFdInfo(
                100, 6, 17, ScapFdType.IPV6_SOCK, "", 0, 0, ip("2001:db8::1"), ip("2001:db8::2"), 8080, 5000, 3, 0, 0));
        fds.add(new ScapFdInfo(
                100, 7, 18, ScapFdType.UNIX_SOCK, "/run/x.sock", 0, 0, null, null, 0, 0, 0, 0xffff1, 0xffff2));
        fds.add(new ScapFdInfo(
                100, 8, 0, ScapFdType.EVENTPOLL, "anon_inode:[eventpoll]", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(100, 9, 0, ScapFdType.EVENT, "anon_inode:[eventfd]", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(
                100, 10, 0, ScapFdType.SIGNALFD, "anon_inode:[signalfd]", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(100, 11, 0, ScapFdType.INOTIFY, "anon_inode:inotify", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(
                100, 12, 0, ScapFdType.TIMERFD, "anon_inode:[timerfd]", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(100, 13, 19, ScapFdType.NETLINK, "", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(100, 14, 0, ScapFdType.UNSUPPORTED, "socket:[99]", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(200, 0, 21, ScapFdType.FILE_V2, "/home/u/é-file", 0x41, 0, null, null, 0, 0, 0, 0, 0));
        List<InterfaceInfo> ifs = List.of(
                new InterfaceInfo(1, "lo", ip("127.0.0.1"), ip("255.0.0.0"), ip("127.0.0.1"), 0),
                new InterfaceInfo(1, "eth0", ip("10.0.0.5"), ip("255.255.255.0"), ip("10.0.0.255"), 1000),
                new InterfaceInfo(2, "lo", ip("::1"), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), ip("::"), 0));
        List<UserInfo> users = List.of(
                new UserInfo(0, 0, "root", "/root", "/bin/bash"), new UserInfo(1000, 1000, "u", "/home/u", "/bin/sh"));
        List<GroupInfo> groups = List.of(new GroupInfo(0, "root"), new GroupInfo(1000, "u"));
        return new InitialState(new SectionHeader(1, 2, -1, 0), machine, procs, fds, ifs, users, groups);
    }

    Path write(String name, InitialState s, List<Ev> events, ScapFileWriter.Options options) throws Exception {
        Path file = dir.resolve(name);
        try (ScapFileWriter w = ScapFileWriter.create(file, s, options)) {
            // half through Event views, half through a batch, to cover both entry points
            try (EventBatch batch = new EventBatch()) {
                int used = 0;
                for (int i = 0; i < events.size(); i++) {
                    Ev e = events.get(i);
                    if (i % 2 == 0) {
                        w.write(e.view());
                    } else {
                        ByteBuffer b = batch.buffer();
                        b.limit(b.capacity());
                        b.putShort(used, (short) e.cpu());
                        b.put(used + 2, e.bytes());
                        batch.filled(1, 2 + e.bytes().length);
                        w.write(batch);
                    }
                }
            }
            assertEquals(events.size(), w.eventsWritten());
        }
        return file;
    }

    static List<Ev> readEvents(ScapFileSource src) throws Exception {
        List<Ev> out = new ArrayList<>();
        try (EventBatch batch = new EventBatch()) {
            Event e = new Event();
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    byte[] b = new byte[e.length()];
                    e.buffer().get(e.offset(), b);
                    out.add(new Ev(e.cpu(), b));
                }
            }
        }
        return out;
    }

    static void assertSameEvents(List<Ev> want, List<Ev> got) {
        assertEquals(want.size(), got.size(), "event count");
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).cpu(), got.get(i).cpu(), "cpu of event " + i);
            assertArrayEquals(
                    want.get(i).bytes(),
                    got.get(i).bytes(),
                    "bytes of event " + i + " (" + want.get(i).view().typeName() + ")");
        }
    }

    static void assertSameState(InitialState want, InitialState got) {
        assertEquals(want.machine(), got.machine());
        assertEquals(want.processes().size(), got.processes().size());
        for (int i = 0; i < want.processes().size(); i++) {
            assertEquals(want.processes().get(i), got.processes().get(i), "process " + i);
        }
        assertEquals(want.fds().size(), got.fds().size());
        for (int i = 0; i < want.fds().size(); i++) {
            assertEquals(want.fds().get(i), got.fds().get(i), "fd " + i);
        }
        assertEquals(want.interfaces(), got.interfaces());
        assertEquals(want.users(), got.users());
        assertEquals(want.groups(), got.groups());
    }

    @Test
    void sysqlReadsBackTheStateAndTheDowngradedEvents() throws Exception {
        InitialState s = state();
        Path file = write("compat.scap", s, input(), ScapFileWriter.Options.defaults());
        try (ScapFileSource src = ScapFileSource.open(file)) {
            assertFalse(src.compressed());
            assertEquals(new SectionHeader(1, 2, -1, 0), src.initialState().section());
            assertSameState(s, src.initialState());
            assertSameEvents(downgraded(), readEvents(src));
            assertEquals(0, src.skippedBlocks());
        }
    }

    @Test
    void withoutSysdigCompatibilityEveryEventIsKeptAsItIs() throws Exception {
        InitialState s = state();
        Path file = write(
                "sysql.scap", s, input(), ScapFileWriter.Options.defaults().withSysdigCompatible(false));
        try (ScapFileSource src = ScapFileSource.open(file)) {
            assertSameState(s, src.initialState());
            assertSameEvents(input(), readEvents(src));
        }
    }

    @Test
    void gzipFilesReadBackTheSame() throws Exception {
        InitialState s = state();
        Path file = write(
                "compat.scap.gz", s, input(), ScapFileWriter.Options.defaults().withGzip(true));
        byte[] head = Files.readAllBytes(file);
        assertEquals(0x1f, head[0] & 0xff);
        assertEquals(0x8b, head[1] & 0xff);
        try (ScapFileSource src = ScapFileSource.open(file)) {
            assertTrue(src.compressed());
            assertSameState(s, src.initialState());
            assertSameEvents(downgraded(), readEvents(src));
        }
        List<String> lines = Sysdig.readOk(file, "*%evt.num|%evt.rawtime", null);
        assertEquals(input().size(), lines.size(), String.join("\n", lines));
    }

    static final String FORMAT = "*%evt.num|%evt.rawtime|%evt.cpu|%thread.tid|%evt.dir|%evt.type|%proc.name|%proc.pid"
            + "|%fd.num|%fd.name|%user.name|%proc.cmdline|%proc.cwd|%user.loginuid|%proc.is_exe_writable"
            + "|%container.id";

    @Test
    void sysdigReadsEveryEventWithTheInitialState() throws Exception {
        Path file = write("compat.scap", state(), input(), ScapFileWriter.Options.defaults());
        List<String> lines = Sysdig.readOk(file, FORMAT, null);
        List<Ev> want = downgraded();
        assertEquals(want.size(), lines.size(), "sysdig printed:\n" + String.join("\n", lines));
        for (int i = 0; i < want.size(); i++) {
            String[] f = lines.get(i).split("\\|", -1);
            Event e = want.get(i).view();
            assertEquals(Long.toString(i + 1), f[0], lines.get(i));
            assertEquals(Long.toString(e.ts()), f[1], lines.get(i));
            assertEquals(Integer.toString(e.cpu()), f[2], lines.get(i));
            assertEquals(Long.toString(e.tid()), f[3], lines.get(i));
            assertEquals(e.isEnter() ? ">" : "<", f[4], lines.get(i));
            assertEquals(e.syscallName(), f[5], lines.get(i));
        }
        // the initial state, as sysdig sees it
        String[] close = lines.get(0).split("\\|", -1);
        assertEquals("server", close[6]);
        assertEquals("100", close[7]);
        assertEquals("3", close[8]);
        assertEquals("0.0.0.0:80", close[9]);
        assertEquals("root", close[10]);
        assertEquals("server --port 80", close[11]);
        assertEquals("/home/u/", close[12]);
        assertEquals("1000", close[13]);
        assertEquals("true", close[14]);
        assertEquals("host", close[15]);
        String[] epoll = lines.get(4).split("\\|", -1);
        assertEquals("client", epoll[6]);
        assertEquals("u", epoll[10]);
        String[] write = lines.get(11).split("\\|", -1);
        assertEquals("101", write[3]);
        assertEquals("100", write[7], "thread 101 belongs to process 100");
        assertEquals("1", write[8]);
        assertEquals("pipe:[12]", write[9], "thread 101 shares process 100's fds");
    }

    @Test
    void fdTypesSysdigDoesNotKnowAreWrittenAsItWouldHave() throws Exception {
        InitialState base = state();
        List<ScapFdInfo> fds = new ArrayList<>(base.fds());
        fds.add(new ScapFdInfo(100, 20, 30, ScapFdType.MEMFD, "/memfd:buf (deleted)", 2, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(100, 21, 0, ScapFdType.BPF, "anon_inode:bpf-map", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(
                100, 22, 0, ScapFdType.IOURING, "anon_inode:[io_uring]", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(100, 23, 0, ScapFdType.PIDFD, "anon_inode:[pidfd]", 0, 0, null, null, 0, 0, 0, 0, 0));
        fds.add(new ScapFdInfo(999, 0, 0, ScapFdType.FILE_V2, "/orphan", 0, 0, null, null, 0, 0, 0, 0, 0));
        InitialState s = new InitialState(
                base.section(), base.machine(), base.processes(), fds, base.interfaces(), base.users(), base.groups());
        List<Ev> events = List.of(
                new Ev(0, event(T0, 100, code("close", true), i64(20))),
                new Ev(0, event(T0 + 1, 100, code("close", false), i64(0))),
                new Ev(0, event(T0 + 2, 100, code("close", true), i64(22))),
                new Ev(0, event(T0 + 3, 100, code("close", false), i64(0))));
        Path file = dir.resolve("fdtypes.scap");
        try (ScapFileWriter w = ScapFileWriter.create(file, s, ScapFileWriter.Options.defaults())) {
            for (Ev e : events) {
                w.write(e.view());
            }
            assertEquals(1, w.fdsSkipped(), "the fd of a thread the process list lacks");
        }
        List<String> lines = Sysdig.readOk(file, "*%evt.num|%fd.num|%fd.type|%fd.name", null);
        assertEquals(
                List.of(
                        "1|20|file|/memfd:buf (deleted)",
                        "2|20|file|/memfd:buf (deleted)",
                        "3|22|<NA>|" + "anon_inode:[io_uring]",
                        "4|22|<NA>|anon_inode:[io_uring]"),
                lines);
        try (ScapFileSource src = ScapFileSource.open(file)) {
            List<ScapFdInfo> got = src.initialState().fds();
            assertEquals(fds.size() - 1, got.size());
            ScapFdInfo memfd = fd(got, 100, 20);
            assertEquals(ScapFdType.FILE_V2, memfd.type());
            assertEquals("/memfd:buf (deleted)", memfd.name());
            assertEquals(2, memfd.openFlags());
            assertEquals(ScapFdType.UNSUPPORTED, fd(got, 100, 21).type());
            assertEquals("anon_inode:bpf-map", fd(got, 100, 21).name());
            assertEquals(ScapFdType.UNSUPPORTED, fd(got, 100, 23).type());
            assertEquals(null, fd(got, 999, 0));
        }
        // for sysql's own reader they stay what they are
        Path own = dir.resolve("fdtypes-sysql.scap");
        try (ScapFileWriter w =
                ScapFileWriter.create(own, s, ScapFileWriter.Options.defaults().withSysdigCompatible(false))) {
            assertEquals(1, w.fdsSkipped());
        }
        try (ScapFileSource src = ScapFileSource.open(own)) {
            List<ScapFdInfo> got = src.initialState().fds();
            assertEquals(fds.size() - 1, got.size());
            for (ScapFdInfo f : fds.subList(0, fds.size() - 1)) {
                if (f.type() == ScapFdType.MEMFD) { // an fd list entry of this type has the name only
                    f = new ScapFdInfo(f.tid(), f.fd(), f.ino(), f.type(), f.name(), 0, 0, null, null, 0, 0, 0, 0, 0);
                }
                assertEquals(f, fd(got, f.tid(), f.fd()));
            }
        }
    }

    static ScapFdInfo fd(List<ScapFdInfo> fds, long tid, long fd) {
        for (ScapFdInfo f : fds) {
            if (f.tid() == tid && f.fd() == fd) {
                return f;
            }
        }
        return null;
    }

    @Test
    void longTextIsCutToWhatLibscapAccepts() throws Exception {
        String longPath = "/" + "é".repeat(700); // 1401 bytes of UTF-8
        List<String> manyArgs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            manyArgs.add("argument-" + i);
        }
        ProcessInfo p = process(100, 100, 1, "server", "/usr/bin/server", manyArgs, 0);
        ProcessInfo big = new ProcessInfo(
                p.tid(),
                p.pid(),
                p.ptid(),
                p.sid(),
                p.vpgid(),
                p.comm(),
                p.exe(),
                longPath,
                p.args(),
                longPath,
                p.fdlimit(),
                p.flags(),
                p.uid(),
                p.gid(),
                p.vmsizeKb(),
                p.vmrssKb(),
                p.vmswapKb(),
                p.pfmajor(),
                p.pfminor(),
                p.env(),
                p.vtid(),
                p.vpid(),
                p.cgroups(),
                p.root(),
                p.pidnsInitStartTs(),
                p.tty(),
                p.loginuid(),
                p.exeWritable(),
                p.capInheritable(),
                p.capPermitted(),
                p.capEffective(),
                p.exeUpperLayer(),
                p.exeIno(),
                p.exeInoCtime(),
                p.exeInoMtime(),
                p.exeFromMemfd());
        InitialState s = new InitialState(
                new SectionHeader(1, 2, -1, 0), null, List.of(big), List.of(), List.of(), List.of(), List.of());
        Path file = write("long.scap", s, input().subList(0, 2), ScapFileWriter.Options.defaults());
        try (ScapFileSource src = ScapFileSource.open(file)) {
            ProcessInfo got = src.initialState().processes().get(0);
            assertEquals(longPath.substring(0, 512), got.cwd(), "cut at 1024 bytes, between characters");
            assertTrue(got.args().size() < manyArgs.size());
            assertEquals(manyArgs.subList(0, got.args().size()), got.args(), "whole arguments only");
        }
        assertEquals(2, Sysdig.readOk(file, "*%evt.num|%proc.name", null).size());
    }

    @Test
    void ioProblemsAreOneLineErrors() throws Exception {
        Path missing = dir.resolve("no/such/dir/x.scap");
        CaptureException e = assertThrows(
                CaptureException.class,
                () -> ScapFileWriter.create(missing, state(), ScapFileWriter.Options.defaults()));
        assertEquals(CaptureException.Reason.IO, e.reason());
        assertTrue(e.getMessage().startsWith("x.scap: cannot create"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());

        Path full = Path.of("/dev/full");
        if (Files.isWritable(full)) {
            CaptureException f = assertThrows(CaptureException.class, () -> {
                try (ScapFileWriter w = ScapFileWriter.create(full, state(), ScapFileWriter.Options.defaults())) {
                    for (int i = 0; i < 100_000; i++) {
                        w.write(input().get(11).view());
                    }
                }
            });
            assertEquals(CaptureException.Reason.IO, f.reason());
            assertTrue(f.getMessage().startsWith("full: write error at offset "), f.getMessage());
            assertFalse(f.getMessage().contains("\n"), f.getMessage());
        }

        ScapFileWriter w =
                ScapFileWriter.create(dir.resolve("closed.scap"), state(), ScapFileWriter.Options.defaults());
        w.close();
        w.close();
        CaptureException c = assertThrows(
                CaptureException.class, () -> w.write(input().get(0).view()));
        assertEquals(CaptureException.Reason.STATE, c.reason());
    }
}
