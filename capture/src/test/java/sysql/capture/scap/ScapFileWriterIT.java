// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.capture.CaptureStats;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.LiveCapture;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldCatalog;
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.InitialStateSnapshot;
import sysql.capture.state.ProcfsReader;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadInfo;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;
import sysql.testing.RequiresBpf;

/**
 * A live capture written to a {@code .scap} file: sysdig 0.29.3 reads it, and for every event of a scripted child
 * (open and write a file, write to a pipe, connect to a loopback server, exec another program) prints the same
 * values sysql had live and has again when its own reader reads the file.
 */
class ScapFileWriterIT {
    static final String[] FIELDS = {
        "evt.num", "evt.rawtime", "evt.cpu", "thread.tid", "evt.dir", "evt.type", "proc.name", "proc.pid", "fd.name"
    };
    static final int NUM = 0;
    static final int TYPE = 5;
    static final int FD_NAME = 8;
    /** sysdig's extra column. */
    static final int FD_TYPE = 9;

    @TempDir
    Path dir;

    /** One event as some reader saw it: the field values as sysdig prints them, and whether it was downgraded. */
    record Row(String[] values, boolean downgraded) {
        String get(int i) {
            return values[i];
        }

        @Override
        public String toString() {
            return String.join("|", values);
        }
    }

    static String[] values(EventContext ctx, Field[] fields) {
        String[] v = new String[fields.length];
        for (int i = 0; i < fields.length; i++) {
            v[i] = fields[i].format(ctx).strip();
        }
        return v;
    }

    @Test
    @RequiresBpf
    void sysdigReadsALiveCaptureAsSysqlSawIt() throws Exception {
        Sysdig.binary(); // fail now, not after the capture, when the oracle is missing
        Field[] fields = new Field[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            fields[i] = FieldCatalog.get(FIELDS[i]);
            assertTrue(fields[i] != null, FIELDS[i] + " is not in sysql's catalog");
        }
        Path file = dir.resolve("live.scap");
        Path target = dir.resolve("written.txt");
        Map<Long, Row> live = new LinkedHashMap<>();
        Set<Long> tids = new TreeSet<>();
        long root;
        long written;
        long downgraded;
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            int port = server.getLocalPort();
            Thread acceptor = new Thread(
                    () -> {
                        try (Socket s = server.accept();
                                InputStream in = s.getInputStream()) {
                            in.readAllBytes();
                        } catch (Exception e) {
                            // the test fails on the child's exit code instead
                        }
                    },
                    "loopback-server");
            acceptor.setDaemon(true);
            acceptor.start();
            String script = "echo hello > " + target + "; echo piped | cat > /dev/null; "
                    + "exec 3<>/dev/tcp/127.0.0.1/" + port + "; echo hi >&3; exec 3>&-; "
                    // glibc asks nscd first: a unix connect that fails, named by its enter event alone
                    + "getent passwd root > /dev/null; exec /usr/bin/sleep 0.05";

            try (LiveCapture capture =
                            LiveCapture.open(LiveCapture.Options.defaults().withRingBytes(64 << 20));
                    EventBatch batch = new EventBatch()) {
                capture.start();
                ThreadTable table = new ThreadTable(new ProcfsReader());
                new ProcfsReader().readAll(table);
                InitialState init = InitialStateSnapshot.live(table);
                EventContext ctx = new EventContext(new StateTracker(table), Users.fromEtc(Path.of("/etc")));
                try (ScapFileWriter writer = ScapFileWriter.create(file, init, ScapFileWriter.Options.defaults())) {
                    Process p = new ProcessBuilder("/bin/bash", "-c", script)
                            .redirectErrorStream(true)
                            .start();
                    root = p.pid();
                    Set<Long> tree = new HashSet<>(List.of(root));
                    Event e = new Event();
                    long doneAt = -1;
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (System.currentTimeMillis() < deadline) {
                        capture.fill(batch, 50);
                        writer.write(batch);
                        while (batch.next(e)) {
                            ctx.advance(e);
                            ThreadInfo t = ctx.thread();
                            if (t != null && (tree.contains(t.pid()) || tree.contains(t.ptid()))) {
                                tree.add(t.pid());
                                tids.add(e.tid());
                                live.put(
                                        ctx.num(),
                                        new Row(values(ctx, fields), ScapFileWriter.needsDowngrade(e.typeCode())));
                            }
                        }
                        if (doneAt < 0 && !p.isAlive()) {
                            doneAt = System.currentTimeMillis() * 1_000_000L;
                        }
                        // Done once the capture's watermark has passed the moment the workload was seen ended:
                        // every event still to come is newer.
                        if (doneAt > 0 && capture.watermark() > doneAt) {
                            break;
                        }
                    }
                    assertTrue(
                            doneAt > 0 && capture.watermark() > doneAt,
                            "the watermark never passed the " + "workload's end in 60 s: " + capture.watermark());
                    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertEquals(0, p.exitValue(), "the workload failed: " + out);
                    written = writer.eventsWritten();
                    downgraded = writer.eventsDowngraded();
                }
                CaptureStats stats = capture.stats();
                assertEquals(0, stats.drops(), "events were dropped: " + stats);
            }
        }
        assertEquals("hello", Files.readString(target).strip());
        assertTrue(live.size() > 50, "too few events of the workload: " + live.size());
        assertTrue(downgraded > 0, "a live capture has generic syscalls (written downgraded)");

        // sysql's reader on the file
        Map<Long, Row> fromFile = new LinkedHashMap<>();
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch()) {
            ThreadTable threads = new ThreadTable(null);
            Users users = new Users();
            CaptureFileState.seed(src.initialState(), threads, users);
            EventContext ctx = new EventContext(new StateTracker(threads), users);
            Event e = new Event();
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    ctx.advance(e);
                    if (live.containsKey(ctx.num())) {
                        fromFile.put(ctx.num(), new Row(values(ctx, fields), false));
                    }
                }
            }
            assertEquals(written, src.eventsRead(), "events in the file");
        }

        // sysdig on the file, for the workload's threads
        // fd.type says whether sysdig knows the fd at all (it names the pipes it sees created "")
        String format = "*" + List.of(FIELDS).stream().map(f -> "%" + f).collect(Collectors.joining("|")) + "|%fd.type";
        String filter = "thread.tid in (" + tids.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")";
        List<String> lines = Sysdig.readOk(file, format, filter);
        Map<Long, String[]> sysdig = new LinkedHashMap<>();
        for (String line : lines) {
            String[] v = line.split("\\|", -1);
            assertEquals(FIELDS.length + 1, v.length, "sysdig line " + line);
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i].strip();
            }
            sysdig.put(Long.parseLong(v[NUM]), v);
        }
        assertEquals(live.keySet(), sysdig.keySet(), "the workload's events (evt.num) sysql saw live and sysdig read");

        List<String> vsFile = new ArrayList<>();
        List<String> vsLive = new ArrayList<>();
        int fdCompared = 0;
        int fdUnknownToOne = 0;
        for (Map.Entry<Long, String[]> en : sysdig.entrySet()) {
            String[] s = en.getValue();
            Row f = fromFile.get(en.getKey());
            Row l = live.get(en.getKey());
            for (int i = 0; i < FIELDS.length; i++) {
                String fromSysdig = s[i];
                String fromFileValue = f.get(i);
                String fromLive = l.get(i);
                if (i == TYPE && l.downgraded()) {
                    // sysdig knows the syscall only by the generic event's code; sysql live knew the event type
                    fromLive = fromFileValue;
                }
                if (i == FD_NAME) {
                    // "where both know the fd": sysdig prints <NA> (enter) or "" (exit) for an fd it does not
                    // know (fd.type <NA>), sysql <NA>
                    boolean sysdigKnows = !s[FD_TYPE].equals("<NA>");
                    if (!sysdigKnows || fromFileValue.equals("<NA>") || fromLive.equals("<NA>")) {
                        if (sysdigKnows || !fromFileValue.equals("<NA>") || !fromLive.equals("<NA>")) {
                            fdUnknownToOne++;
                        }
                        continue;
                    }
                    fdCompared++;
                }
                if (!fromSysdig.equals(fromFileValue)) {
                    vsFile.add(FIELDS[i] + " sysdig=[" + String.join("|", s) + "] sysql-file=[" + f + "]");
                }
                if (!fromSysdig.equals(fromLive)) {
                    vsLive.add(FIELDS[i] + " sysdig=[" + String.join("|", s) + "] sysql-live=[" + l + "]");
                }
            }
        }
        System.out.printf(
                "%s: %d events of the workload (%d written, %d downgraded); fd names compared on %d, "
                        + "known to one side only on %d%n",
                file.getFileName(), sysdig.size(), written, downgraded, fdCompared, fdUnknownToOne);
        assertTrue(
                vsFile.isEmpty(),
                vsFile.size() + " differences between sysdig and sysql reading the same file, " + "e.g.\n"
                        + String.join("\n", vsFile.subList(0, Math.min(20, vsFile.size()))));
        assertTrue(
                vsLive.isEmpty(),
                vsLive.size() + " differences between sysdig on the file and sysql live, e.g.\n"
                        + String.join("\n", vsLive.subList(0, Math.min(20, vsLive.size()))));
        assertTrue(fdCompared > 10, "fd names compared: " + fdCompared);

        // the workload is really in there, as sysdig sees it
        List<String[]> rows = new ArrayList<>(sysdig.values());
        expect(rows, r -> r[FD_NAME].equals(target.toString()) && r[TYPE].equals("write"), "a write to " + target);
        expect(rows, r -> r[FD_TYPE].equals("pipe") && r[TYPE].equals("write"), "a write to a pipe");
        expect(
                rows,
                r -> r[TYPE].equals("connect")
                        && r[4].equals("<")
                        && r[FD_NAME].matches("127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:\\d+"),
                "the loopback connect");
        expect(
                rows,
                r -> r[TYPE].equals("close") && r[4].equals(">") && r[FD_NAME].equals("/var/run/nscd/socket"),
                "the close of the unix socket whose connect failed");
        expect(
                rows,
                r -> r[TYPE].equals("execve")
                        && r[4].equals("<")
                        && r[6].equals("sleep")
                        && r[7].equals(Long.toString(root)),
                "the exec of sleep by the child");
    }

    static void expect(List<String[]> rows, Predicate<String[]> p, String what) {
        for (String[] r : rows) {
            if (p.test(r)) {
                return;
            }
        }
        fail("sysdig did not show " + what + " among the " + rows.size() + " events of the workload");
    }
}
