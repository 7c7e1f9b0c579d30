// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The state tracker keeps threads and descriptors as sysdig's parsers do, event by event. */
class StateTrackerTest {
    private static final int O_RDONLY = 1;
    private static final int O_DIRECTORY = 1 << 10;
    private static final int O_CLOEXEC = 1 << 12;
    private static final int CLONE_THREAD = 1 << 13;
    private static final int CLONE_FILES = 1;
    private static final long PID = 100;

    private ThreadTable threads;
    private StateTracker tracker;
    private long ts = 1_000;

    @BeforeEach
    void seed() {
        threads = new ThreadTable(null);
        ThreadInfo t = new ThreadInfo(PID);
        t.pid = PID;
        t.ptid = 1;
        t.comm = "bash";
        t.exe = "bash";
        t.exepath = "/usr/bin/bash";
        t.cwd = "/home/u/";
        t.uid = 1000;
        t.gid = 1000;
        threads.putInitial(t);
        tracker = new StateTracker(threads);
    }

    private void feed(TestEvents e, long tid) {
        tracker.onEvent(e.event(ts++, tid));
    }

    private void syscall(TestEvents enter, TestEvents exit, long tid) {
        feed(enter, tid);
        feed(exit, tid);
    }

    private FdInfo fd(long pid, long fd) {
        return threads.get(pid).fds().get(fd);
    }

    @Test
    void openResolvesRelativePathsAgainstCwdAndDirfd() {
        syscall(
                TestEvents.enter("openat")
                        .p("dirfd", -100)
                        .p("name", "../etc/./passwd")
                        .p("flags", O_RDONLY),
                TestEvents.exit("openat")
                        .p("fd", 3)
                        .p("dirfd", -100)
                        .p("name", "../etc/./passwd")
                        .p("flags", O_RDONLY),
                PID);
        assertEquals("/home/etc/passwd", fd(PID, 3).name());
        assertEquals(FdType.FILE, fd(PID, 3).type());
        assertEquals(3, threads.get(PID).lastEventFd());
        syscall(
                TestEvents.enter("openat")
                        .p("dirfd", -100)
                        .p("name", "/var/log")
                        .p("flags", O_DIRECTORY),
                TestEvents.exit("openat")
                        .p("fd", 4)
                        .p("dirfd", -100)
                        .p("name", "/var/log")
                        .p("flags", O_DIRECTORY),
                PID);
        assertEquals(FdType.DIRECTORY, fd(PID, 4).type());
        syscall(
                TestEvents.enter("openat").p("dirfd", 4).p("name", "syslog"),
                TestEvents.exit("openat").p("fd", 5).p("dirfd", 4).p("name", "syslog"),
                PID);
        assertEquals("/var/log/syslog", fd(PID, 5).name());
        // A failed open creates nothing.
        syscall(
                TestEvents.enter("openat").p("dirfd", -100).p("name", "nope"),
                TestEvents.exit("openat").p("fd", -2).p("dirfd", -100).p("name", "nope"),
                PID);
        assertEquals(3, threads.get(PID).fds().size());
    }

    @Test
    void readExitRefersToTheEntersFdAndCloseRemovesIt() {
        syscall(
                TestEvents.enter("openat").p("dirfd", -100).p("name", "/etc/hostname"),
                TestEvents.exit("openat").p("fd", 3).p("dirfd", -100).p("name", "/etc/hostname"),
                PID);
        feed(TestEvents.enter("read").p("fd", 3).p("size", 4096), PID);
        assertEquals("/etc/hostname", tracker.fd().name());
        feed(TestEvents.exit("read").p("res", 5).raw("data", "host\n".getBytes(StandardCharsets.US_ASCII)), PID);
        assertEquals(3, threads.get(PID).lastEventFd());
        assertEquals("/etc/hostname", tracker.fd().name());
        syscall(TestEvents.enter("close").p("fd", 3), TestEvents.exit("close").p("res", 0), PID);
        assertNotNull(fd(PID, 3), "the close exit still shows its descriptor");
        feed(TestEvents.enter("getuid"), PID);
        assertNull(fd(PID, 3), "gone when the next event starts");
    }

    @Test
    void forkCopiesTheFdTableThreadsShareIt() {
        syscall(
                TestEvents.enter("openat").p("dirfd", -100).p("name", "/tmp/a"),
                TestEvents.exit("openat").p("fd", 3).p("dirfd", -100).p("name", "/tmp/a"),
                PID);
        // Parent side of a fork: res = child pid.
        syscall(
                TestEvents.enter("clone"),
                TestEvents.exit("clone")
                        .p("res", 200)
                        .p("exe", "bash")
                        .list("args", List.of("-c", "ls"))
                        .p("tid", PID)
                        .p("pid", PID)
                        .p("ptid", 1)
                        .p("cwd", "")
                        .p("comm", "bash")
                        .p("flags", 0)
                        .p("uid", 1000)
                        .p("gid", 1000),
                PID);
        ThreadInfo child = threads.get(200);
        assertNotNull(child);
        assertEquals(200, child.pid());
        assertEquals(PID, child.ptid());
        assertEquals("/home/u/", threads.cwd(child), "cwd inherited");
        assertEquals("/tmp/a", child.fds().get(3).name());
        assertFalse(child.fds() == threads.get(PID).fds(), "a forked child has its own copy");
        // A thread: shares the table.
        syscall(
                TestEvents.enter("clone"),
                TestEvents.exit("clone")
                        .p("res", 101)
                        .p("exe", "bash")
                        .p("tid", PID)
                        .p("pid", PID)
                        .p("ptid", 1)
                        .p("comm", "bash")
                        .p("flags", CLONE_THREAD | CLONE_FILES),
                PID);
        ThreadInfo thread = threads.get(101);
        assertEquals(PID, thread.pid());
        assertSame(threads.get(PID).fds(), threads.fdTable(thread), "a thread uses its process's table");
        assertEquals(1, threads.get(PID).nchilds(), "the process counts its thread");
        syscall(TestEvents.enter("close").p("fd", 3), TestEvents.exit("close").p("res", 0), 101);
        feed(TestEvents.enter("getuid"), 101);
        assertNull(fd(PID, 3), "a thread's close is seen by its process");
        assertNotNull(child.fds().get(3), "but not by the forked child");
    }

    @Test
    void childsOwnCloneEventCreatesItBeforeTheParentReturns() {
        feed(
                TestEvents.exit("clone")
                        .p("res", 0)
                        .p("exe", "bash")
                        .p("tid", 300)
                        .p("pid", 300)
                        .p("ptid", PID)
                        .p("comm", "bash")
                        .p("flags", 0)
                        .p("vtid", 300)
                        .p("vpid", 300),
                300);
        ThreadInfo child = threads.get(300);
        assertEquals(300, child.pid());
        assertEquals(PID, child.ptid());
        assertEquals("/home/u/", threads.cwd(child));
        // The parent's exit afterwards does not replace it.
        syscall(
                TestEvents.enter("clone"),
                TestEvents.exit("clone")
                        .p("res", 300)
                        .p("exe", "bash")
                        .p("tid", PID)
                        .p("pid", PID)
                        .p("ptid", 1)
                        .p("comm", "bash"),
                PID);
        assertSame(child, threads.get(300));
    }

    @Test
    void execveReplacesTheImageAndKeepsTheFdsAsSysdigDoes() {
        syscall(
                TestEvents.enter("openat").p("dirfd", -100).p("name", "/tmp/keep"),
                TestEvents.exit("openat").p("fd", 3).p("dirfd", -100).p("name", "/tmp/keep"),
                PID);
        syscall(
                TestEvents.enter("openat")
                        .p("dirfd", -100)
                        .p("name", "/tmp/drop")
                        .p("flags", O_CLOEXEC),
                TestEvents.exit("openat")
                        .p("fd", 4)
                        .p("dirfd", -100)
                        .p("name", "/tmp/drop")
                        .p("flags", O_CLOEXEC),
                PID);
        syscall(
                TestEvents.enter("execve").p("filename", "../../usr/bin/cat"),
                TestEvents.exit("execve")
                        .p("res", 0)
                        .p("exe", "cat")
                        .list("args", List.of("/etc/hostname"))
                        .p("tid", PID)
                        .p("pid", PID)
                        .p("ptid", 1)
                        .p("cwd", "")
                        .p("comm", "cat"),
                PID);
        ThreadInfo t = threads.get(PID);
        assertEquals("cat", t.comm());
        assertEquals("cat", t.exe());
        assertEquals("/usr/bin/cat", t.exepath());
        assertEquals(List.of("/etc/hostname"), t.args());
        assertEquals("cat /etc/hostname", t.cmdline());
        assertNotNull(fd(PID, 3));
        assertNotNull(fd(PID, 4), "sysdig 0.29 keeps even O_CLOEXEC descriptors across an exec");
        // A failed execve changes nothing.
        syscall(
                TestEvents.enter("execve").p("filename", "/nope"),
                TestEvents.exit("execve").p("res", -2).p("exe", "x").p("comm", "x"),
                PID);
        assertEquals("cat", threads.get(PID).comm());
    }

    @Test
    void execveFlagsTellWhetherTheExecutableIsWritableAndChildrenInheritIt() {
        TestEvents exec = TestEvents.exit("execve")
                .p("res", 0)
                .p("exe", "tool")
                .p("tid", PID)
                .p("pid", PID)
                .p("ptid", 1)
                .p("cwd", "")
                .p("comm", "tool");
        syscall(TestEvents.enter("execve").p("filename", "/tmp/tool"), exec.p("flags", 1), PID);
        assertTrue(threads.get(PID).exeWritable());
        syscall(
                TestEvents.enter("clone"),
                TestEvents.exit("clone")
                        .p("res", 200)
                        .p("exe", "tool")
                        .p("tid", PID)
                        .p("pid", PID)
                        .p("ptid", 1)
                        .p("cwd", "")
                        .p("comm", "tool")
                        .p("flags", 0),
                PID);
        assertTrue(threads.get(200).exeWritable(), "a child has its parent's executable");
        syscall(TestEvents.enter("execve").p("filename", "/usr/bin/cat"), exec.p("flags", 0), PID);
        assertFalse(threads.get(PID).exeWritable());
    }

    @Test
    void switchEventsTimeTheThreadsAndProcinfoEventsTheirCpu() {
        TestEvents sw = TestEvents.enter("switch").p("next", 0);
        tracker.onEvent(sw.event(1_000, PID, 1));
        assertEquals(0, tracker.exectime(), "a CPU's first switch has no previous one");
        tracker.onEvent(sw.event(1_500, PID, 0));
        assertEquals(0, tracker.exectime());
        tracker.onEvent(sw.event(4_000, PID, 1));
        assertEquals(3_000, tracker.exectime(), "since CPU 1's previous switch");
        tracker.onEvent(TestEvents.enter("close").p("fd", 9).event(4_100, PID, 1));
        assertEquals(0, tracker.exectime(), "0 for other events");
        tracker.onEvent(sw.event(4_500, PID, 0));
        assertEquals(3_000, tracker.exectime());
        assertEquals(6_000, threads.get(PID).totExectime());

        tracker.onEvent(
                TestEvents.enter("procinfo").p("cpu_usr", 10).p("cpu_sys", 0).event(5_000, PID, 0));
        assertTrue(tracker.hasThreadCpu());
        assertEquals(0, tracker.threadCpu(0), "the thread's first procinfo");
        tracker.onEvent(
                TestEvents.enter("procinfo").p("cpu_usr", 40).p("cpu_sys", 7).event(6_000, PID, 0));
        assertEquals(37, tracker.threadCpu(0));
        assertEquals(30, tracker.threadCpu(1));
        assertEquals(0, tracker.threadCpu(2), "system was 0 before: sysdig starts counting it now");
        tracker.onEvent(
                TestEvents.enter("procinfo").p("cpu_usr", 400).p("cpu_sys", 9).event(7_000, PID, 0));
        assertEquals(100, tracker.threadCpu(0), "at most 100");
        assertEquals(100, tracker.threadCpu(1));
        assertEquals(2, tracker.threadCpu(2));
        tracker.onEvent(sw.event(8_000, PID, 0));
        assertFalse(tracker.hasThreadCpu(), "only procinfo events have thread.cpu");
    }

    @Test
    void connectAndAcceptSetTheTupleAndTheServerSide() {
        syscall(
                TestEvents.enter("socket").p("domain", 2).p("type", 1).p("proto", 0),
                TestEvents.exit("socket").p("fd", 3),
                PID);
        assertEquals(FdType.IPV4, fd(PID, 3).type());
        assertEquals(FdInfo.L4_TCP, fd(PID, 3).storedL4proto());
        assertEquals(FdInfo.L4_NA, fd(PID, 3).l4proto(), "no protocol shown before the socket has a role");
        syscall(
                TestEvents.enter("connect").p("fd", 3),
                TestEvents.exit("connect")
                        .p("res", 0)
                        .raw(
                                "tuple",
                                TestEvents.tuple4(new int[] {127, 0, 0, 1}, 40000, new int[] {127, 0, 0, 1}, 8080)),
                PID);
        FdInfo c = fd(PID, 3);
        assertEquals("127.0.0.1:40000->127.0.0.1:8080", c.name());
        assertEquals(FdInfo.Role.CLIENT, c.role());
        assertEquals(40000, c.tupleSourcePort());
        assertEquals(8080, c.tupleDestinationPort());
        assertEquals(FdInfo.L4_TCP, c.l4proto());
        syscall(
                TestEvents.enter("accept"),
                TestEvents.exit("accept")
                        .p("fd", 7)
                        .raw("tuple", TestEvents.tuple4(new int[] {10, 0, 0, 2}, 50000, new int[] {10, 0, 0, 1}, 80)),
                PID);
        FdInfo a = fd(PID, 7);
        assertEquals(FdType.IPV4, a.type());
        assertEquals(FdInfo.Role.SERVER, a.role());
        assertEquals("10.0.0.2", a.tupleSourceIp(), "the client");
        assertEquals("10.0.0.2:50000->10.0.0.1:80", a.name());
    }

    @Test
    void aFailedConnectKeepsWhatItsEnterEventNamed() {
        syscall(
                TestEvents.enter("socket").p("domain", 1).p("type", 1).p("proto", 0),
                TestEvents.exit("socket").p("fd", 3),
                PID);
        byte[] path = "/var/run/nscd/socket".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] unix = new byte[path.length + 2];
        unix[0] = (byte) sysql.driver.EventTables.AF_UNIX;
        System.arraycopy(path, 0, unix, 1, path.length);
        syscall(
                TestEvents.enter("connect").p("fd", 3).raw("addr", unix),
                TestEvents.exit("connect").p("res", -2),
                PID);
        assertEquals("/var/run/nscd/socket", fd(PID, 3).name(), "sysdig names a unix socket at connect enter");
        assertEquals(FdInfo.Role.NONE, fd(PID, 3).role(), "a failed connect makes no client");

        syscall(
                TestEvents.enter("socket").p("domain", 2).p("type", 2).p("proto", 0),
                TestEvents.exit("socket").p("fd", 4),
                PID);
        byte[] inet = java.nio.ByteBuffer.allocate(7)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .put((byte) sysql.driver.EventTables.AF_INET)
                .put(new byte[] {10, 0, 0, 9})
                .putShort((short) 53)
                .array();
        syscall(
                TestEvents.enter("connect").p("fd", 4).raw("addr", inet),
                TestEvents.exit("connect").p("res", -111),
                PID);
        FdInfo f = fd(PID, 4);
        assertEquals(FdType.IPV4, f.type());
        assertEquals("10.0.0.9", f.tupleDestinationIp(), "the destination comes from the enter event");
        assertEquals(53, f.tupleDestinationPort());
        assertEquals("", f.name(), "an inet socket is named only by a connect that succeeded");
    }

    @Test
    void pipeDupAndFcntlDupfd() {
        feed(TestEvents.enter("pipe"), PID);
        feed(TestEvents.exit("pipe").p("res", 0).p("fd1", 3).p("fd2", 4).p("ino", 12345), PID);
        assertEquals("", fd(PID, 3).name(), "sysdig names a pipe it saw created \"\"");
        assertEquals(12345, fd(PID, 3).ino());
        assertEquals(FdType.PIPE, fd(PID, 4).type());
        syscall(TestEvents.enter("dup").p("fd", 4), TestEvents.exit("dup").p("res", 9), PID);
        assertEquals(FdType.PIPE, fd(PID, 9).type());
        assertEquals(12345, fd(PID, 9).ino());
        syscall(
                TestEvents.enter("fcntl").p("fd", 3).p("cmd", 1),
                TestEvents.exit("fcntl").p("res", 10),
                PID);
        assertEquals(12345, fd(PID, 10).ino());
    }

    @Test
    void chdirMovesCwdForTheProcess() {
        syscall(TestEvents.enter("chdir"), TestEvents.exit("chdir").p("res", 0).p("path", "../srv/./www"), PID);
        assertEquals("/home/srv/www/", threads.cwd(threads.get(PID)));
        syscall(
                TestEvents.enter("openat").p("dirfd", -100).p("name", "index.html"),
                TestEvents.exit("openat").p("fd", 3).p("dirfd", -100).p("name", "index.html"),
                PID);
        assertEquals("/home/srv/www/index.html", fd(PID, 3).name());
    }

    @Test
    void setresuidChangesTheEffectiveUid() {
        syscall(
                TestEvents.enter("setresuid").p("ruid", -1).p("euid", 0).p("suid", -1),
                TestEvents.exit("setresuid").p("res", 0),
                PID);
        assertEquals(0, threads.get(PID).uid());
    }

    @Test
    void procexitRemovesTheThreadAfterItsLastEvent() {
        feed(TestEvents.enter("procexit").p("status", 0), PID);
        assertNotNull(threads.get(PID), "still there while its last event is processed");
        assertTrue(threads.get(PID).isDead());
        feed(TestEvents.enter("read").p("fd", 0).p("size", 1), 1); // any event of another thread
        assertNull(threads.get(PID));
    }

    @Test
    void switchesAndInternalEventsNeverCreateAThread() {
        feed(TestEvents.enter("procinfo").p("cpu_usr", 1).p("cpu_sys", 0), 777);
        assertNull(tracker.thread(), "procinfo has a thread only when it is known");
        feed(
                TestEvents.enter("switch")
                        .p("next", 0)
                        .p("pgft_maj", 0)
                        .p("pgft_min", 0)
                        .p("vm_size", 0)
                        .p("vm_rss", 0)
                        .p("vm_swap", 0),
                777);
        assertNull(tracker.thread());
        assertNull(threads.get(777));
        feed(TestEvents.enter("procinfo").p("cpu_usr", 1).p("cpu_sys", 0), PID);
        assertSame(threads.get(PID), tracker.thread());
    }

    /**
     * copy_file_range reads one descriptor and writes another: its enter's fd is the one it reads (fdin), its
     * exit's the one it writes (fdout), as sysdig shows them (seen in scap-bench's comparison: `cat` copying a file
     * to its stdout, fd 3 on the enter and 1 on the exit in sysdig's output).
     */
    @Test
    void copyFileRangesExitIsOnTheDescriptorItWrites() {
        syscall(
                TestEvents.enter("openat").p("dirfd", -100).p("name", "/etc/hostname"),
                TestEvents.exit("openat").p("fd", 3).p("dirfd", -100).p("name", "/etc/hostname"),
                PID);
        syscall(
                TestEvents.enter("openat").p("dirfd", -100).p("name", "/tmp/out"),
                TestEvents.exit("openat").p("fd", 4).p("dirfd", -100).p("name", "/tmp/out"),
                PID);
        feed(TestEvents.enter("copy_file_range").p("fdin", 3).p("offin", 0).p("len", 65536), PID);
        assertEquals("/etc/hostname", tracker.fd().name());
        feed(TestEvents.exit("copy_file_range").p("res", 5).p("fdout", 4).p("offout", 0), PID);
        assertEquals("/tmp/out", tracker.fd().name());
        assertEquals(4, threads.get(PID).lastEventFd());
    }

    @Test
    void anExitWithoutItsEnterKeepsTheThreadsLastEventFd() {
        // a capture that starts between enter and exit: fd.num is the thread's last-event fd, 0 at first
        feed(TestEvents.exit("read").p("res", 1).raw("data", "x".getBytes(StandardCharsets.US_ASCII)), PID);
        assertNull(tracker.fd(), "no enter, no descriptor from the parsers");
        assertEquals(0, threads.get(PID).lastEventFd());
        syscall(
                TestEvents.enter("openat").p("dirfd", -100).p("name", "/etc/hostname"),
                TestEvents.exit("openat").p("fd", 3).p("dirfd", -100).p("name", "/etc/hostname"),
                PID);
        feed(TestEvents.enter("write").p("fd", 3).p("size", 1), PID);
        feed(TestEvents.exit("read").p("res", 1).raw("data", "x".getBytes(StandardCharsets.US_ASCII)), PID);
        assertNull(tracker.fd(), "a read exit does not pair with a write enter");
        assertEquals(3, threads.get(PID).lastEventFd(), "but the write's fd stays the thread's last");
    }

    @Test
    void unknownThreadsArePlaceholdersWithoutProcfs() {
        feed(TestEvents.enter("read").p("fd", 0).p("size", 1), 4242);
        ThreadInfo t = threads.get(4242);
        assertNotNull(t);
        assertEquals(4242, t.pid());
        assertEquals(-1, t.ptid(), "parent unknown");
        assertEquals("<NA>", t.comm(), "as sysdig names a thread it knows nothing about");
        assertTrue(t.isPlaceholder());
        assertNull(tracker.fd(), "fd 0 of an unknown process is not known");
        assertEquals(0, t.lastEventFd());
    }
}
