// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.LiveCapture;
import sysql.capture.TcpServerPeer;
import sysql.capture.state.ProcfsReader;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;
import sysql.testing.RequiresBpf;

/**
 * The live fields end to end: a child that opens a file, writes to a pipe, connects to a loopback TCP server and
 * exec's another program shows the right proc.name/exe/cmdline/cwd before and after exec, the right fd.name for
 * its reads and writes, and the right fd.sip/sport/cip/cport on both ends of the connection — as field values
 * from the catalog, over live events.
 */
@RequiresBpf
class LiveFieldsIT {
    static final List<String> FIELDS = List.of(
            "evt.type",
            "evt.dir",
            "proc.pid",
            "proc.name",
            "proc.exe",
            "proc.cmdline",
            "proc.cwd",
            "fd.name",
            "fd.type",
            "fd.sip",
            "fd.sport",
            "fd.cip",
            "fd.cport",
            "fd.is_server");

    @Test
    void childShowsItsImageDescriptorsAndBothSocketEnds() throws Exception {
        List<Field> fields = FIELDS.stream().map(FieldCatalog::get).toList();
        List<Map<String, String>> rows = new ArrayList<>();
        ThreadTable table = new ThreadTable(new ProcfsReader());
        try (LiveCapture capture = LiveCapture.open(LiveCapture.Options.defaults());
                EventBatch batch = new EventBatch()) {
            capture.start();
            new ProcfsReader().readAll(table);
            EventContext ctx = new EventContext(new StateTracker(table), Users.fromEtc(Path.of("/etc")));
            Process server = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            TcpServerPeer.class.getName())
                    .start();
            BufferedReader serverOut =
                    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            int port = Integer.parseInt(serverOut.readLine().trim());
            Process child = new ProcessBuilder(
                            "/bin/bash",
                            "-c",
                            "cd /tmp && exec 3</etc/hostname && read -u 3 line; "
                                    + "echo \"$line\" | cat >/dev/null; exec 4<>/dev/tcp/127.0.0.1/" + port
                                    + "; echo hello >&4; "
                                    + "exec /usr/bin/sleep 0.2")
                    .redirectErrorStream(true)
                    .start();
            List<Long> pids = new ArrayList<>(List.of(child.pid(), server.pid()));
            Event e = new Event();
            long doneAt = -1;
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                capture.fill(batch, 50);
                while (batch.next(e)) {
                    ctx.advance(e);
                    var t = ctx.thread();
                    if (t != null && (pids.contains(t.pid()) || pids.contains(t.ptid()))) {
                        if (!pids.contains(t.pid())) {
                            pids.add(t.pid());
                        }
                        Map<String, String> row = new LinkedHashMap<>();
                        for (Field f : fields) {
                            row.put(f.name(), f.format(ctx));
                        }
                        rows.add(row);
                    }
                }
                if (doneAt < 0 && !child.isAlive() && !server.isAlive()) {
                    doneAt = System.currentTimeMillis() * 1_000_000L;
                }
                // Done once the capture's watermark has passed the moment both were seen ended: every event still
                // to come is newer.
                if (doneAt > 0 && capture.watermark() > doneAt) {
                    break;
                }
            }
            assertTrue(
                    doneAt > 0 && capture.watermark() > doneAt,
                    "the watermark never passed the end of the " + "child and the server in 60 s: "
                            + capture.watermark());
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            assertEquals(
                    0, child.exitValue(), new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(server.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, capture.stats().drops(), "no event may be lost: " + capture.stats());
            long bash = child.pid();
            if (Boolean.getBoolean("sysql.debugLiveFields")) {
                rows.stream()
                        .filter(r -> !r.get("proc.name").equals("java")
                                && !r.get("proc.name").equals("jspawnhelper"))
                        .forEach(r -> System.out.println("ROW " + r));
            }

            Map<String, String> read = find(
                    rows,
                    r -> r.get("proc.pid").equals(Long.toString(bash))
                            && r.get("evt.type").equals("read")
                            && r.get("evt.dir").equals("<")
                            && r.get("fd.name").equals("/etc/hostname"),
                    "bash reading /etc/hostname");
            assertEquals("bash", read.get("proc.name"));
            assertEquals("/bin/bash", read.get("proc.exe"));
            assertTrue(
                    read.get("proc.cmdline").startsWith("bash -c cd /tmp && exec 3</etc/hostname"),
                    read.get("proc.cmdline"));
            assertEquals("/tmp/", read.get("proc.cwd"));
            assertEquals("file", read.get("fd.type"));

            // sysdig names a pipe it saw created "" (StateTrackerIT checks both ends share the inode)
            find(
                    rows,
                    r -> r.get("evt.type").equals("write")
                            && r.get("fd.type").equals("pipe")
                            && r.get("fd.name").isEmpty(),
                    "a write into the pipe");
            find(
                    rows,
                    r -> r.get("evt.type").equals("read")
                            && r.get("proc.name").equals("cat")
                            && r.get("fd.type").equals("pipe"),
                    "cat reading the pipe");

            Map<String, String> client = find(
                    rows,
                    r -> r.get("proc.pid").equals(Long.toString(bash))
                            && r.get("evt.type").equals("write")
                            && r.get("fd.type").equals("ipv4"),
                    "bash writing the socket");
            assertEquals("127.0.0.1", client.get("fd.sip"));
            assertEquals(Integer.toString(port), client.get("fd.sport"));
            assertEquals("127.0.0.1", client.get("fd.cip"));
            String cport = client.get("fd.cport");
            assertEquals("127.0.0.1:" + cport + "->127.0.0.1:" + port, client.get("fd.name"));
            // sysdig's rule: the end whose server address is one of the machine's is a server; on loopback, both
            assertEquals("true", client.get("fd.is_server"));

            Map<String, String> serverSide = find(
                    rows,
                    r -> r.get("proc.pid").equals(Long.toString(server.pid()))
                            && List.of("read", "recvfrom").contains(r.get("evt.type"))
                            && r.get("evt.dir").equals("<")
                            && r.get("fd.name").equals(client.get("fd.name")),
                    "the server reading the same connection");
            assertEquals("127.0.0.1", serverSide.get("fd.sip"));
            assertEquals(Integer.toString(port), serverSide.get("fd.sport"));
            assertEquals(cport, serverSide.get("fd.cport"));
            assertEquals("true", serverSide.get("fd.is_server"));

            Map<String, String> afterExec = find(
                    rows,
                    r -> r.get("proc.pid").equals(Long.toString(bash))
                            && r.get("proc.name").equals("sleep"),
                    "events after the exec of sleep");
            assertEquals("/usr/bin/sleep", afterExec.get("proc.exe"));
            assertEquals("sleep 0.2", afterExec.get("proc.cmdline"));
            assertEquals("/tmp/", afterExec.get("proc.cwd"));
        }
    }

    static Map<String, String> find(List<Map<String, String>> rows, Predicate<Map<String, String>> p, String what) {
        for (Map<String, String> r : rows) {
            if (p.test(r)) {
                return r;
            }
        }
        List<String> io = new ArrayList<>();
        for (Map<String, String> r : rows) {
            if (List.of("read", "write", "openat", "connect", "accept", "execve", "clone", "dup", "close")
                            .contains(r.get("evt.type"))
                    && r.get("evt.dir").equals("<")
                    && !List.of("java", "jspawnhelper").contains(r.get("proc.name"))) {
                io.add(r.get("proc.pid") + " " + r.get("proc.name") + " " + r.get("evt.type") + " " + r.get("fd.name"));
            }
        }
        throw new AssertionError("not seen: " + what + " among " + rows.size() + " rows; I/O of the children: " + io);
    }
}
