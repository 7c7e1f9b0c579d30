// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.capture.CaptureException;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.EventTypes;

/** The reader's behaviour on real files (metadata, encodings, batching) and on broken ones (messages). */
class ScapFileSourceTest {
    @TempDir
    Path tmp;

    @Test
    void commentOptionInTheSectionHeaderIsSkipped() throws Exception {
        List<ScapTestFiles.Ev> plain = ScapTestFiles.readAll(ScapTestFiles.scap("libs_curl_google.scap"));
        List<ScapTestFiles.Ev> commented = ScapTestFiles.readAll(ScapTestFiles.scap("libs_curl_google_comments.scap"));
        assertEquals(1536, plain.size());
        assertEquals(plain.size(), commented.size());
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(plain.get(i).cpu(), commented.get(i).cpu(), "cpu of event " + (i + 1));
            assertArrayEquals(plain.get(i).bytes(), commented.get(i).bytes(), "bytes of event " + (i + 1));
        }
        try (ScapFileSource src = ScapFileSource.open(ScapTestFiles.scap("libs_curl_google_comments.scap"))) {
            assertTrue(src.initialState().section().optionBytes() > 0, "the comment option is there");
            assertEquals(
                    0,
                    ScapFileSource.open(ScapTestFiles.scap("libs_curl_google.scap"))
                            .initialState()
                            .section()
                            .optionBytes());
        }
    }

    /**
     * bencer_example0_nginx.scap: process list v7 (0x213), fd list v1 (0x203), interface and user lists v1.
     * Expected values: the golden file (proc.name/pid/ppid/exe/user.name of nginx's events, which start before
     * any clone, so they come from the initial table) and {@code sysdig -r bencer_example0_nginx.scap -c lsof}
     * run by hand with sysdig 0.29.3.
     */
    @Test
    void initialStateOfAnOldFile() throws Exception {
        try (ScapFileSource src = ScapFileSource.open(ScapTestFiles.scap("bencer_example0_nginx.scap"))) {
            InitialState s = src.initialState();
            assertEquals(1, s.section().majorVersion());
            assertNotNull(s.machine());
            assertTrue(s.machine().numCpus() > 0);

            // golden: 52|...|nginx|15747|15747|15695|nginx: worker process|systemd-network|...
            ProcessInfo nginx = s.process(15747);
            assertNotNull(nginx, "nginx worker in the process list");
            assertEquals("nginx", nginx.comm());
            assertEquals(15747, nginx.pid());
            assertEquals(15695, nginx.ptid());
            assertEquals("nginx: worker process", nginx.exe());
            assertEquals("systemd-network", userName(s, nginx.uid()));
            assertFalse(nginx.cgroups().isEmpty(), "v7 entries carry cgroups");

            // lsof: systemd 1 fds 10 file /proc/1/mountinfo, 6 directory, 14 unix /run/systemd/private
            assertFd(s, 1, 10, ScapFdType.FILE_V2, "/proc/1/mountinfo");
            assertEquals(4097, fd(s, 1, 10).openFlags(), "O_RDONLY|O_CLOEXEC");
            assertFd(s, 1, 6, ScapFdType.DIRECTORY, "/sys/fs/cgroup/systemd");
            assertFd(s, 1, 14, ScapFdType.UNIX_SOCK, "/run/systemd/private\n"); // newline as in /proc/net/unix
            // lsof: sshd 1320 fd 3 ipv4 0.0.0.0:22 (server), fd 4 ipv6 :::22 (server)
            ScapFdInfo listen4 = fd(s, 1320, 3);
            assertEquals(ScapFdType.IPV4_SERVSOCK, listen4.type());
            assertEquals(InetAddress.getByName("0.0.0.0"), listen4.sip());
            assertEquals(22, listen4.sport());
            assertEquals(2, listen4.l4proto(), "TCP");
            ScapFdInfo listen6 = fd(s, 1320, 4);
            assertEquals(ScapFdType.IPV6_SERVSOCK, listen6.type());
            assertEquals(InetAddress.getByName("::"), listen6.sip());
            assertEquals(22, listen6.sport());
            // lsof: sshd 1365 fd 3 ipv4 71.42.218.131:49396->172.31.19.240:22
            ScapFdInfo conn = fd(s, 1365, 3);
            assertEquals(ScapFdType.IPV4_SOCK, conn.type());
            // lsof prints client->server; the file holds the tuple as libscap read it from /proc/net/tcp, local
            // side (this sshd, the server) first
            assertEquals(InetAddress.getByName("172.31.19.240"), conn.sip());
            assertEquals(22, conn.sport());
            assertEquals(InetAddress.getByName("71.42.218.131"), conn.dip());
            assertEquals(49396, conn.dport());
            assertEquals(2, conn.l4proto(), "TCP");

            assertTrue(
                    s.interfaces().stream()
                            .anyMatch(i -> i.name().equals("lo")
                                    && i.addr().getHostAddress().equals("127.0.0.1")),
                    "lo 127.0.0.1 in " + s.interfaces());
            assertTrue(
                    s.users().stream()
                            .anyMatch(u -> u.uid() == 0
                                    && u.name().equals("root")
                                    && u.homedir().equals("/root")),
                    "root in the user list");
            assertTrue(
                    s.groups().stream().anyMatch(g -> g.gid() == 0 && g.name().equals("root")));
        }
    }

    /**
     * falco_ping_sendto.scap: the newest block versions (process list v9 0x215, fd list v2 0x218, interface list
     * v2 0x219, user list v2 0x220). Expected values from {@code sysdig -r falco_ping_sendto.scap -c ps} and
     * {@code -c lsof}, run by hand with sysdig 0.29.3 (ps prints VIRT/RES as kB/1024 with two decimals).
     */
    @Test
    void initialStateOfANewFile() throws Exception {
        try (ScapFileSource src = ScapFileSource.open(ScapTestFiles.scap("falco_ping_sendto.scap"))) {
            InitialState s = src.initialState();
            assertEquals(2, s.section().minorVersion());
            // ps: 1 1 root 37.90M 4.84M 1048576 systemd
            ProcessInfo systemd = s.process(1);
            assertEquals("systemd", systemd.comm());
            assertEquals("root", userName(s, systemd.uid()));
            assertEquals("37.90", String.format("%.2f", systemd.vmsizeKb() / 1024.0));
            assertEquals("4.84", String.format("%.2f", systemd.vmrssKb() / 1024.0));
            assertEquals(1048576, systemd.fdlimit());
            // ps: 429 429 root 42.32M 3.45M 16384 systemd-journal; 459 lvmetad RES 480.00KB; 737 sysdig
            ProcessInfo journal = s.process(429);
            assertEquals("systemd-journal", journal.comm());
            assertEquals(16384, journal.fdlimit());
            assertEquals("42.32", String.format("%.2f", journal.vmsizeKb() / 1024.0));
            assertEquals(480, s.process(459).vmrssKb());
            assertEquals("lvmetad", s.process(459).comm());
            assertEquals("sysdig", s.process(737).comm());
            assertEquals(736, s.process(737).ptid(), "sysdig run by sudo 736");
            // lsof: systemd fd 24 unix /var/run/docker.sock, fd 3 file /dev/kmsg, fd 4 eventpoll
            // the file records the name as read from /proc/net/unix, with its newline (lsof prints it trimmed)
            assertFd(s, 1, 24, ScapFdType.UNIX_SOCK, "/var/run/docker.sock\n");
            ScapFdInfo kmsg = fd(s, 1, 3);
            assertTrue(kmsg.type() == ScapFdType.FILE || kmsg.type() == ScapFdType.FILE_V2, kmsg.toString());
            assertEquals("/dev/kmsg", kmsg.name());
            assertEquals(ScapFdType.EVENTPOLL, fd(s, 1, 4).type());
            assertFalse(s.interfaces().isEmpty());
            assertFalse(s.users().isEmpty());
        }
    }

    private static String userName(InitialState s, int uid) {
        return s.users().stream()
                .filter(u -> u.uid() == uid)
                .map(UserInfo::name)
                .findFirst()
                .orElse(null);
    }

    private static ScapFdInfo fd(InitialState s, long tid, long fd) {
        return s.fdsOf(tid).stream()
                .filter(f -> f.fd() == fd)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no fd " + fd + " for tid " + tid));
    }

    private static void assertFd(InitialState s, long tid, long fdNum, ScapFdType type, String name) {
        ScapFdInfo f = fd(s, tid, fdNum);
        assertEquals(type, f.type(), f.toString());
        assertEquals(name, f.name(), f.toString());
    }

    /** Old 22-byte headers come out as 26-byte events whose nparams and lengths add up. */
    @Test
    void oldEventHeadersAreReencoded() throws Exception {
        List<ScapTestFiles.Ev> events = ScapTestFiles.readAll(ScapTestFiles.scap("falco_cat_write.scap"));
        assertEquals(345, events.size());
        ScapTestFiles.Ev execve = events.get(130); // golden 131: < execve
        assertEquals("execve", execve.name());
        ByteBuffer b = ByteBuffer.wrap(execve.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(execve.bytes().length, b.getInt(16));
        assertEquals(execve.nparams(), b.getInt(22));
        assertTrue(execve.nparams() > 10, "execve exit has its parameters: " + execve.nparams());
        assertTrue(execve.nparams() <= EventTypes.byCode(execve.type()).nparams());
    }

    /** A batch just big enough for the largest event yields the same events in the same order. */
    @Test
    void smallBatchesKeepOrder() throws Exception {
        Path file = ScapTestFiles.scap("bencer_example4_example4-1.scap");
        List<ScapTestFiles.Ev> all = ScapTestFiles.readAll(file);
        List<Long> small = new ArrayList<>();
        int batches = 0;
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch(EventBatch.MIN_CAPACITY)) {
            Event e = new Event();
            while (src.fill(batch, 0)) {
                batches++;
                while (batch.next(e)) {
                    small.add(e.ts());
                }
            }
            assertFalse(src.fill(batch, 0), "stays at the end");
            assertEquals(0, batch.count());
            assertEquals(all.size(), src.eventsRead());
        }
        assertEquals(all.stream().map(ScapTestFiles.Ev::ts).toList(), small);
        assertTrue(batches >= 3, "several batches: " + batches);
    }

    @Test
    void notACaptureFileFailsAtOpen() throws Exception {
        Path text = tmp.resolve("notes.scap");
        Files.writeString(text, "this is not a capture file, just some text long enough for a block header\n");
        CaptureException e = assertThrows(CaptureException.class, () -> ScapFileSource.open(text));
        assertEquals(CaptureException.Reason.FILE_FORMAT, e.reason());
        assertTrue(e.getMessage().startsWith("notes.scap: not a sysdig capture file"), e.getMessage());

        Path empty = Files.write(tmp.resolve("empty.scap"), new byte[0]);
        e = assertThrows(CaptureException.class, () -> ScapFileSource.open(empty));
        assertTrue(e.getMessage().contains("empty file"), e.getMessage());

        Path missing = tmp.resolve("missing.scap");
        e = assertThrows(CaptureException.class, () -> ScapFileSource.open(missing));
        assertEquals(CaptureException.Reason.IO, e.reason());
        assertTrue(e.getMessage().startsWith("missing.scap: no such file"), e.getMessage());
    }

    /** Cut inside an event block: every earlier event comes out, then one clear error naming the offset. */
    @Test
    void truncatedFileDeliversEventsThenFails() throws Exception {
        byte[] bytes = ScapTestFiles.uncompressed(ScapTestFiles.scap("libs_curl_google.scap"));
        List<Long> blockStarts = eventBlockStarts(bytes);
        int cutBlock = 700;
        long cut = blockStarts.get(cutBlock) + 20;
        Path file = Files.write(tmp.resolve("cut.scap"), Arrays.copyOf(bytes, (int) cut));
        int delivered = 0;
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch(EventBatch.MIN_CAPACITY)) {
            CaptureException failure = null;
            try {
                while (src.fill(batch, 0)) {
                    delivered += batch.count();
                }
            } catch (CaptureException e) {
                failure = e;
            }
            assertNotNull(failure, "a truncated file must not end cleanly");
            assertEquals(cutBlock, delivered);
            assertEquals(
                    "cut.scap: truncated event block (needs " + blockLength(bytes, blockStarts.get(cutBlock))
                            + " bytes, 20 left) at offset " + blockStarts.get(cutBlock),
                    failure.getMessage());
            CaptureException again = assertThrows(CaptureException.class, () -> src.fill(batch, 0));
            assertEquals(failure.getMessage(), again.getMessage());
        }
    }

    @Test
    void hugeBlockLengthIsRefused() throws Exception {
        byte[] bytes = ScapTestFiles.uncompressed(ScapTestFiles.scap("falco_syscall.scap"));
        long at = eventBlockStarts(bytes).get(3);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at + 4, 0x7ffffff0);
        Path file = Files.write(tmp.resolve("huge.scap"), bytes);
        int delivered = 0;
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch()) {
            CaptureException e = assertThrows(CaptureException.class, () -> {
                while (src.fill(batch, 0)) {
                    // drain
                }
            });
            delivered = (int) src.eventsRead();
            assertEquals(
                    "huge.scap: event block claims 2147483632 bytes, more than the 256 MiB limit of a block at "
                            + "offset " + at,
                    e.getMessage());
        }
        assertEquals(3, delivered);
    }

    static List<Long> eventBlockStarts(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> starts = new ArrayList<>();
        int off = 0;
        while (off + 8 <= bytes.length) {
            int type = b.getInt(off);
            if (ScapBlocks.isEvent(type)) {
                starts.add((long) off);
            }
            off += b.getInt(off + 4);
        }
        return starts;
    }

    private static long blockLength(byte[] bytes, long at) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt((int) at + 4);
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }
}
