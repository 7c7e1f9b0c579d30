// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.LiveCapture;
import sysql.testing.RequiresBpf;

/** The state tracker over live events: names, images, cwd and socket ends as the processes really had them. */
@RequiresBpf
class StateTrackerIT {

    /** What the tracker knew right after one event. */
    record Seen(
            long tid,
            long pid,
            long ptid,
            String type,
            boolean enter,
            String comm,
            String exe,
            String exepath,
            String cwd,
            long fdNum,
            String fdName,
            FdType fdType,
            boolean server,
            long ino) {}

    /** Runs {@code cmd} under live capture with a tracker seeded from /proc; returns what it saw for the tree. */
    static List<Seen> trace(String... cmd) throws Exception {
        List<Seen> seen = new ArrayList<>();
        ThreadTable table = new ThreadTable(new ProcfsReader());
        try (LiveCapture capture = LiveCapture.open(LiveCapture.Options.defaults());
                EventBatch batch = new EventBatch()) {
            capture.start();
            new ProcfsReader().readAll(table);
            StateTracker tracker = new StateTracker(table);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            long root = p.pid();
            List<Long> tree = new ArrayList<>(List.of(root));
            Event e = new Event();
            long doneAt = -1;
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                capture.fill(batch, 50);
                while (batch.next(e)) {
                    tracker.onEvent(e);
                    ThreadInfo t = tracker.thread();
                    if (t != null && (tree.contains(t.pid()) || tree.contains(t.ptid()))) {
                        if (!tree.contains(t.pid())) {
                            tree.add(t.pid());
                        }
                        FdInfo f = tracker.fd();
                        seen.add(new Seen(
                                t.tid(),
                                t.pid(),
                                t.ptid(),
                                e.syscallName(),
                                e.isEnter(),
                                t.comm(),
                                t.exe(),
                                t.exepath(),
                                table.cwd(t),
                                t.lastEventFd(),
                                f != null ? f.name() : null,
                                f != null ? f.type() : null,
                                f != null && f.role() == FdInfo.Role.SERVER,
                                f != null ? f.ino() : 0));
                    }
                }
                if (doneAt < 0 && !p.isAlive()) {
                    doneAt = System.currentTimeMillis() * 1_000_000L;
                }
                // Done once the capture's watermark has passed the moment the child was seen ended: every event
                // still to come is newer, so none is the tree's (an empty batch alone proves nothing: the merge
                // holds events back for a few milliseconds).
                if (doneAt > 0 && capture.watermark() > doneAt) {
                    break;
                }
            }
            assertTrue(
                    doneAt > 0 && capture.watermark() > doneAt,
                    "the watermark never passed the end of " + root + " in 60 s: " + capture.watermark());
            assertEquals(0, capture.stats().drops(), "events were dropped: " + capture.stats());
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
        }
        return seen;
    }

    static Seen find(List<Seen> seen, Predicate<Seen> p, String what) {
        for (Seen s : seen) {
            if (p.test(s)) {
                return s;
            }
        }
        List<Seen> io = seen.stream()
                .filter(s -> List.of(
                                        "connect",
                                        "accept",
                                        "bind",
                                        "listen",
                                        "sendto",
                                        "read",
                                        "write",
                                        "pipe",
                                        "dup",
                                        "clone",
                                        "execve",
                                        "procexit")
                                .contains(s.type())
                        && !s.enter()
                        && !s.comm().equals("jspawnhelper"))
                .toList();
        throw new AssertionError("not seen: " + what + "; saw " + seen.size() + " events; I/O and process ones: "
                + io.subList(Math.max(0, io.size() - 40), io.size()));
    }

    @Test
    void fileReadsPipeWritesCwdAndExecAreTracked() throws Exception {
        List<Seen> seen = trace(
                "/bin/bash",
                "-c",
                "cd /tmp && exec 3</etc/hostname && read -u 3 line; echo \"$line\" | cat >/dev/null; "
                        + "exec /usr/bin/sleep 0.1");
        Seen read = find(
                seen,
                s -> s.type().equals("read") && !s.enter() && "/etc/hostname".equals(s.fdName()),
                "a read of /etc/hostname");
        assertEquals("bash", read.comm());
        assertEquals("/tmp/", read.cwd(), "cd /tmp happened before");
        assertEquals(FdType.FILE, read.fdType());
        assertEquals(3, read.fdNum());
        // sysdig names a pipe it saw created "": the pipe's identity is its inode.
        Seen pipeWrite = find(
                seen, s -> s.type().equals("write") && !s.enter() && s.fdType() == FdType.PIPE, "a write to the pipe");
        assertTrue(pipeWrite.ino() > 0, "pipe inode known");
        Seen pipeRead = find(
                seen,
                s -> s.type().equals("read") && !s.enter() && s.fdType() == FdType.PIPE && s.ino() == pipeWrite.ino(),
                "the cat side reading the same pipe");
        assertEquals("cat", pipeRead.comm());
        Seen afterExec = find(seen, s -> s.comm().equals("sleep"), "events after exec of sleep");
        assertEquals("/usr/bin/sleep", afterExec.exe());
        assertEquals("/usr/bin/sleep", afterExec.exepath());
        assertEquals("/tmp/", afterExec.cwd());
    }

    @Test
    void bothEndsOfALoopbackConnection() throws Exception {
        List<Seen> seen = trace(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                sysql.capture.TcpPeer.class.getName());
        Seen connect = find(
                seen,
                s -> s.type().equals("connect")
                        && !s.enter()
                        && s.fdType() == FdType.IPV4
                        && s.fdName() != null
                        && s.fdName().startsWith("127.0.0.1:"),
                "the client's connect");
        assertFalse(connect.server());
        Seen accept = find(
                seen,
                s -> s.type().equals("accept") && !s.enter() && connect.fdName().equals(s.fdName()),
                "the server's accept of the same connection " + connect.fdName());
        assertTrue(accept.server());
        assertEquals(FdType.IPV4, accept.fdType());
        assertNotNull(find(
                seen,
                s -> List.of("read", "recvfrom", "recvmsg").contains(s.type())
                        && accept.fdName().equals(s.fdName())
                        && s.server(),
                "the server reading the accepted socket"));
    }
}
