// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.capture.LiveCapture;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldCatalog;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;
import sysql.testing.Await;
import sysql.testing.RequiresBpf;

/**
 * The live capture's history with a disk tier: a short memory history pushes a child's events to segment files, and
 * a history query still sees them with the values they had live (the process name, the file a read reads); after
 * the hub closes, a new recorder on the directory replays them.
 */
@RequiresBpf
class CaptureHubDiskIT {
    @TempDir
    Path dir;

    static final List<String> FIELDS = List.of("evt.num", "evt.rawtime", "evt.type", "evt.dir", "proc.name", "fd.name");

    static long minTime(List<List<String>> rows) {
        return rows.stream().mapToLong(r -> Long.parseLong(r.get(1))).min().orElseThrow();
    }

    static long maxTime(List<List<String>> rows) {
        return rows.stream().mapToLong(r -> Long.parseLong(r.get(1))).max().orElseThrow();
    }

    static List<List<String>> withoutNum(List<List<String>> rows) {
        return rows.stream().map(r -> r.subList(1, r.size())).toList();
    }

    @Test
    void aChildsEventsOnDiskReplayWithTheirLiveState() throws Exception {
        Path marker = Files.writeString(
                dir.resolve("marker-" + ProcessHandle.current().pid()), "hello disk\n");
        Path history = dir.resolve("history");
        List<Field> fields = FIELDS.stream().map(FieldCatalog::get).toList();
        Field fdName = FieldCatalog.get("fd.name");
        ScanRequest request =
                new ScanRequest(fields, c -> marker.toString().equals(fdName.format(c)), KernelFilter.ALL, 1024);
        CaptureHub.Options options = new CaptureHub.Options(
                LiveCapture.Options.defaults(),
                new Recorder.Retention(1_000_000_000L, Recorder.SEGMENT_BYTES),
                Recorder.DiskHistory.in(history));
        List<List<String>> live;
        try (CaptureHub hub = CaptureHub.start(options)) {
            Process cat = new ProcessBuilder("/usr/bin/cat", marker.toString())
                    .redirectErrorStream(true)
                    .start();
            assertEquals(0, cat.waitFor());
            // until the child's rows are older than the memory history: read from the disk
            List<List<List<String>>> found = new ArrayList<>(List.of(List.of()));
            Await.until(
                    () -> {
                        found.set(0, RecorderDiskTest.rows(hub.history(request), fields));
                        return !found.get(0).isEmpty() && hub.stats().historyOldestNanos() > maxTime(found.get(0));
                    },
                    Duration.ofSeconds(30),
                    () -> "the child's events did not go to disk: " + found.get(0) + " " + statsOf(hub));
            live = found.get(0);
            assertTrue(
                    live.stream()
                            .anyMatch(r -> r.get(2).equals("openat") && r.get(4).equals("cat")),
                    live::toString);
            assertTrue(
                    live.stream()
                            .anyMatch(r -> r.get(2).equals("read")
                                    && r.get(3).equals("<")
                                    && r.get(4).equals("cat")),
                    "a read exit of the marker by cat (its fd from the enter): " + live);
            long from = minTime(live);
            long to = maxTime(live);
            List<List<String>> ranged = RecorderDiskTest.rows(hub.history(request.withTimeRange(from, to)), fields);
            assertEquals(live, ranged, "the time range of the child's rows keeps them");
            assertEquals(0, hub.stats().historyDiskDroppedSegments(), statsOf(hub));
            // the window as one file: the child's rows are in it, with the same values but evt.num (from 1 there)
            Path dump = dir.resolve("window.scap");
            assertTrue(hub.dumpHistory(from, to, dump, false) >= live.size());
            List<List<String>> dumped =
                    RecorderDiskTest.rows(FileScan.open(dump, request, new RootAllocator()), fields);
            assertEquals(withoutNum(live), withoutNum(dumped));
        }
        // after the process: the files (the memory history written too at close) replay on their own
        try (Recorder r = new Recorder(
                new Recorder.Retention(1_000_000_000L, Recorder.SEGMENT_BYTES),
                new ThreadTable(null),
                new Users(),
                80,
                Recorder.DiskHistory.in(history),
                Recorder.Host.live())) {
            assertTrue(r.diskStats().segments() > 0);
            List<List<String>> adopted = RecorderDiskTest.rows(r.replay(request, new RootAllocator()), fields);
            assertEquals(live, adopted);
        }
    }

    private static String statsOf(CaptureHub hub) {
        try {
            return hub.stats().toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
