// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sysql.capture.CaptureException;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.columnar.EventColumns;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldCatalog;
import sysql.capture.scap.InitialState;
import sysql.capture.scap.ScapFileSource;
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;
import sysql.testing.Await;
import sysql.testing.Sysdig;
import sysql.testing.TestData;

/**
 * The recorder's disk tier, driven as the capture thread drives a recorder (one append per event) with the events of
 * the test captures: what leaves the memory history goes to segment files that a replay reads back, with the state
 * going on across them, and that a later recorder adopts; the disk bounds, failed and late writes, time ranges and
 * dumps.
 */
class RecorderDiskTest {
    /** The fields compared: identity, state (process, descriptor, user) and what pairs an exit with its enter. */
    static final List<String> FIELDS = List.of(
            "evt.num",
            "evt.rawtime",
            "evt.cpu",
            "evt.dir",
            "evt.type",
            "thread.tid",
            "proc.pid",
            "proc.name",
            "proc.cmdline",
            "proc.cwd",
            "user.name",
            "fd.num",
            "fd.type",
            "fd.name",
            "evt.args",
            "evt.latency",
            "thread.exectime");
    /** Fields that do not depend on state carried over a boundary that lost events before it. */
    static final List<String> ROBUST = List.of("evt.num", "evt.rawtime", "evt.type", "thread.tid");

    /** Small segments (the least that holds the largest event), so that the captures make many. */
    static final int SEGMENT = 96 << 10;

    /** A writer queue that never drops (the test appends far faster than a capture thread). */
    static final int UNBOUNDED = Integer.MAX_VALUE;

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** A recording of a capture file, and everything needed to check it. */
    record Recorded(Recorder recorder, long events, long firstTs, long lastTs) {}

    static Recorder.Host hostOf(InitialState s) {
        return new Recorder.Host(s.machine(), s.interfaces());
    }

    static Recorder.Host hostOf(Path capture) throws CaptureException {
        try (ScapFileSource src = ScapFileSource.open(capture)) {
            return hostOf(src.initialState());
        }
    }

    /** A recorder over {@code disk} seeded with {@code capture}'s initial state; nothing appended. */
    static Recorder recorder(
            Path capture,
            Recorder.Retention retention,
            Recorder.DiskHistory disk,
            int segmentBytes,
            int maxPending,
            SegmentStore store)
            throws CaptureException {
        try (ScapFileSource src = ScapFileSource.open(capture)) {
            ThreadTable threads = new ThreadTable(null);
            Users users = new Users();
            CaptureFileState.seed(src.initialState(), threads, users);
            return Recorder.withStore(
                    retention, threads, users, disk, hostOf(src.initialState()), segmentBytes, maxPending, store);
        }
    }

    /** Appends the events of {@code capture} numbered {@code from}..{@code to} (1-based, inclusive). */
    static void append(Recorder r, Path capture, long from, long to) throws CaptureException {
        try (ScapFileSource src = ScapFileSource.open(capture);
                EventBatch batch = new EventBatch()) {
            Event e = new Event();
            long n = 0;
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    n++;
                    if (n >= from && n <= to) {
                        r.append(e);
                    }
                }
            }
        }
    }

    static Recorded record(
            Path capture, Recorder.Retention retention, Recorder.DiskHistory disk, int segmentBytes, SegmentStore store)
            throws Exception {
        Recorder r = recorder(capture, retention, disk, segmentBytes, UNBOUNDED, store);
        append(r, capture, 1, Long.MAX_VALUE);
        long[] span = span(capture);
        awaitWriter(r);
        return new Recorded(r, span[0], span[1], span[2]);
    }

    /** Events, first and last event time of a capture. */
    static long[] span(Path capture) throws CaptureException {
        long n = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (ScapFileSource src = ScapFileSource.open(capture);
                EventBatch batch = new EventBatch()) {
            Event e = new Event();
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    n++;
                    if (e.ts() > 0) {
                        first = Math.min(first, e.ts());
                        last = Math.max(last, e.ts());
                    }
                }
            }
        }
        return new long[] {n, first, last};
    }

    static void awaitWriter(Recorder r) throws Exception {
        Await.until(
                () -> r.diskStats().pendingSegments() == 0,
                WAIT,
                () -> "the writer still has " + r.diskStats().pendingSegments() + " segments");
    }

    static List<Field> fields(List<String> names) {
        return names.stream().map(FieldCatalog::get).toList();
    }

    /** Every row of a scan, as text. */
    static List<List<String>> rows(BatchCursor c, List<Field> fields) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (c) {
            while (!c.ended()) {
                EventColumns b = c.next(0);
                if (b == null) {
                    continue;
                }
                VectorSchemaRoot root = b.root();
                for (int r = 0; r < b.rowCount(); r++) {
                    List<String> row = new ArrayList<>(fields.size());
                    for (int col = 0; col < fields.size(); col++) {
                        row.add(cell(root, b, col, r));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    private static String cell(VectorSchemaRoot root, EventColumns b, int col, int row) {
        FieldVector v = root.getVector(col);
        if (v.isNull(row)) {
            return "<NA>";
        }
        var encoding = v.getField().getDictionary();
        if (encoding != null) {
            Dictionary d = b.dictionaries().lookup(encoding.getId());
            VarCharVector values = (VarCharVector) d.getVector();
            return new String(values.get(((IntVector) v).get(row)), StandardCharsets.UTF_8);
        }
        return String.valueOf(v.getObject(row));
    }

    static List<List<String>> fileRows(Path capture, List<String> names) throws Exception {
        return rows(FileScan.open(capture, ScanRequest.of(fields(names)), new RootAllocator()), fields(names));
    }

    static List<List<String>> replayRows(Recorder r, ScanRequest request) throws Exception {
        return rows(r.replay(request, new RootAllocator()), request.fields());
    }

    static void assertSameRows(List<List<String>> want, List<List<String>> got, List<String> names) {
        assertEquals(want.size(), got.size(), "row count");
        for (int i = 0; i < want.size(); i++) {
            if (!want.get(i).equals(got.get(i))) {
                for (int c = 0; c < names.size(); c++) {
                    assertEquals(
                            want.get(i).get(c),
                            got.get(i).get(c),
                            names.get(c) + " of row " + (i + 1) + " (" + want.get(i) + " / " + got.get(i) + ")");
                }
            }
        }
    }

    static Recorder.DiskHistory disk(Path dir) {
        return Recorder.DiskHistory.in(dir);
    }

    /** A memory history of 1/20 of the capture's span: most segments leave memory for the disk. */
    static Recorder.Retention shortMemory(Path capture) throws CaptureException {
        long[] s = span(capture);
        return new Recorder.Retention(Math.max(1, (s[2] - s[1]) / 20), Recorder.SEGMENT_BYTES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bencer_example4_example4-1.scap", "libs_curl_google.scap", "bencer_example0_nginx.scap"})
    void aReplayOverDiskAndMemoryGivesTheRowsOfTheWholeFile(String name) throws Exception {
        Path capture = TestData.scap(name);
        Recorded rec = record(capture, shortMemory(capture), disk(dir), SEGMENT, SegmentStore.FILES);
        try (Recorder r = rec.recorder()) {
            Recorder.DiskStats d = r.diskStats();
            assertTrue(d.segments() >= 2, "segments on disk: " + d);
            assertTrue(r.events() > 0, "events left in memory");
            assertEquals(rec.events(), d.events() + r.events(), "every event on disk or in memory: " + d);
            assertEquals(0, d.droppedSegments(), d.toString());
            assertEquals(d.segments(), files(dir).size());
            assertSameRows(fileRows(capture, FIELDS), replayRows(r, ScanRequest.of(fields(FIELDS))), FIELDS);
            assertEquals(d.segments(), r.diskStats().filesRead(), "each file opened once");
        }
    }

    /** The storm capture with the memory budget (not the age) pushing 64 KiB segments to disk. */
    @Test
    void theMemoryBudgetSpillsToDiskWithoutLosingState() throws Exception {
        Path capture = TestData.scap("sysdig_live_storm.scap.gz");
        Recorded rec = record(
                capture,
                new Recorder.Retention(Long.MAX_VALUE / 4, Recorder.SEGMENT_BYTES),
                disk(dir),
                SEGMENT,
                SegmentStore.FILES);
        try (Recorder r = rec.recorder()) {
            Recorder.DiskStats d = r.diskStats();
            assertTrue(d.segments() > 10, d.toString());
            assertTrue(r.heldBytes() <= Recorder.SEGMENT_BYTES, "memory within its budget: " + r.heldBytes());
            assertEquals(rec.events(), d.events() + r.events(), d.toString());
            assertSameRows(fileRows(capture, FIELDS), replayRows(r, ScanRequest.of(fields(FIELDS))), FIELDS);
        }
    }

    /** Each segment file is a capture of its own: sysdig prints its events as it prints them in the original. */
    @Test
    void eachSegmentFileIsACaptureSysdigReads() throws Exception {
        Path capture = TestData.scap("bencer_example4_example4-1.scap");
        Recorded rec = record(capture, shortMemory(capture), disk(dir), SEGMENT, SegmentStore.FILES);
        try (Recorder r = rec.recorder()) {
            String format = "*%evt.rawtime %thread.tid %evt.dir %evt.type %proc.name %proc.cmdline %user.name";
            List<String> all = Sysdig.run(capture, List.of("-D", "-p", "*%evt.num " + format.substring(1)))
                    .lines();
            List<Recorder.DiskFile> fs = r.diskFiles();
            for (Recorder.DiskFile f : List.of(fs.get(1), fs.get(fs.size() / 2), fs.get(fs.size() - 1))) {
                Sysdig.Result got = Sysdig.run(f.path(), List.of("-D", "-p", format));
                assertEquals(0, got.exitCode(), got.stderr()); // -D also logs on stderr
                List<String> want = new ArrayList<>();
                for (String line : all) {
                    long num = Long.parseLong(line.substring(0, line.indexOf(' ')));
                    if (num >= f.firstNum() && num < f.firstNum() + f.events()) {
                        want.add(line.substring(line.indexOf(' ') + 1));
                    }
                }
                assertFalse(want.isEmpty(), f.toString());
                assertEquals(want, got.lines(), f.toString());
            }
        }
    }

    @Test
    void aNewRecorderAdoptsTheFilesAndReplaysThem() throws Exception {
        Path capture = TestData.scap("bencer_example4_example4-1.scap");
        Recorded rec = record(capture, shortMemory(capture), disk(dir), SEGMENT, SegmentStore.FILES);
        Files.writeString(dir.resolve("sysql-history-1-2-3-4.scap.tmp"), "an interrupted write");
        Files.writeString(dir.resolve("notes.txt"), "not a segment");
        long inMemory = rec.recorder().events();
        assertTrue(inMemory > 0);
        rec.recorder().close(); // the memory history goes to disk too
        Recorder.DiskStats closed = rec.recorder().diskStats();
        assertEquals(rec.events(), closed.events(), closed.toString());
        // a new process: an empty initial state, the same directory
        try (Recorder r = Recorder.withStore(
                shortMemory(capture),
                new ThreadTable(null),
                new Users(),
                disk(dir),
                hostOf(capture),
                SEGMENT,
                UNBOUNDED,
                SegmentStore.FILES)) {
            Recorder.DiskStats d = r.diskStats();
            assertEquals(closed.segments(), d.segments());
            assertEquals(rec.events(), d.events());
            assertEquals(rec.firstTs(), d.oldestNanos());
            assertFalse(Files.exists(dir.resolve("sysql-history-1-2-3-4.scap.tmp")), "left-over .tmp deleted");
            assertTrue(Files.exists(dir.resolve("notes.txt")), "other files left alone");
            assertSameRows(fileRows(capture, FIELDS), replayRows(r, ScanRequest.of(fields(FIELDS))), FIELDS);
        }
    }

    @Test
    void theByteBudgetDeletesTheOldestFiles() throws Exception {
        Path capture = TestData.scap("bencer_example4_example4-1.scap");
        long maxBytes = 200 << 10;
        Recorder.DiskHistory small = new Recorder.DiskHistory(dir, maxBytes, Long.MAX_VALUE / 4, false);
        Recorded rec = record(capture, shortMemory(capture), small, SEGMENT, SegmentStore.FILES);
        try (Recorder r = rec.recorder()) {
            Recorder.DiskStats d = r.diskStats();
            assertTrue(d.deletedSegments() > 0, d.toString());
            assertTrue(d.bytes() <= maxBytes, d.toString());
            List<Recorder.DiskFile> kept = r.diskFiles();
            long onDisk = 0;
            for (Path p : files(dir)) {
                onDisk += Files.size(p);
            }
            assertEquals(d.bytes(), onDisk, "the counter is what the directory holds");
            assertEquals(kept.size(), files(dir).size());
            // the newest files are kept: they end where the memory history starts
            Recorder.DiskFile last = kept.get(kept.size() - 1);
            assertEquals(rec.events() - r.events(), last.firstNum() + last.events() - 1);
            assertTrue(kept.get(0).firstNum() > 1, "the oldest went first");
            long keptEvents = d.events() + r.events();
            List<List<String>> all = fileRows(capture, ROBUST);
            List<List<String>> got = replayRows(r, ScanRequest.of(fields(ROBUST)));
            assertSameRows(all.subList(all.size() - (int) keptEvents, all.size()), got, ROBUST);
        }
    }

    @Test
    void theAgeBoundDeletesFilesOfEventsOlderThanItFromTheNewest() throws Exception {
        Path capture = TestData.scap("bencer_example4_example4-1.scap");
        long[] s = span(capture);
        long maxAge = (s[2] - s[1]) / 3;
        Recorder.DiskHistory young = new Recorder.DiskHistory(dir, Long.MAX_VALUE / 4, maxAge, false);
        Recorded rec = record(capture, shortMemory(capture), young, SEGMENT, SegmentStore.FILES);
        try (Recorder r = rec.recorder()) {
            Recorder.DiskStats d = r.diskStats();
            assertTrue(d.deletedSegments() > 0, d.toString());
            for (Recorder.DiskFile f : r.diskFiles()) {
                assertTrue(f.maxTs() >= s[2] - maxAge, f + " is older than the bound");
            }
            assertTrue(d.oldestNanos() > s[1], "the oldest events are gone");
            assertEquals(d.segments(), files(dir).size());
        }
    }

    /** A file system whose writes fail (ENOSPC) while {@link #failing}, or stall until {@link #go} opens. */
    static final class TestStore implements SegmentStore {
        volatile boolean failing;
        volatile CountDownLatch go = new CountDownLatch(0);
        volatile int creates;

        @Override
        @SuppressWarnings("NonAtomicVolatileUpdate") // only the writer thread creates
        public OutputStream create(Path file) throws IOException {
            creates++;
            try {
                if (!go.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IOException("the test never let the write go on");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            OutputStream real = FILES.create(file);
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    check();
                    real.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    check();
                    real.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    real.close();
                }

                private void check() throws IOException {
                    if (failing) {
                        throw new IOException("No space left on device");
                    }
                }
            };
        }

        @Override
        public void move(Path from, Path to) throws IOException {
            FILES.move(from, to);
        }

        @Override
        public void delete(Path file) throws IOException {
            FILES.delete(file);
        }

        @Override
        public long size(Path file) throws IOException {
            return FILES.size(file);
        }
    }

    @Test
    void aFailedWriteDeletesTheOldestRetriesOnceThenDropsTheSegmentAndTheCaptureGoesOn() throws Exception {
        Path capture = TestData.scap("bencer_example4_example4-1.scap");
        long total = span(capture)[0];
        TestStore store = new TestStore();
        Recorder r = recorder(capture, shortMemory(capture), disk(dir), SEGMENT, UNBOUNDED, store);
        try (r) {
            append(r, capture, 1, total / 3);
            awaitWriter(r);
            Recorder.DiskStats before = r.diskStats();
            assertTrue(before.segments() >= 2, before.toString());
            assertEquals(0, before.droppedSegments());
            store.failing = true;
            append(r, capture, total / 3 + 1, 2 * total / 3);
            awaitWriter(r);
            Recorder.DiskStats failed = r.diskStats();
            assertTrue(failed.droppedSegments() > 0, failed.toString());
            assertTrue(failed.droppedEvents() > 0, failed.toString());
            assertTrue(failed.deletedSegments() > 0, "the oldest deleted to make room: " + failed);
            assertTrue(failed.lastError().contains("No space left on device"), failed.lastError());
            assertEquals(failed.segments(), files(dir).size());
            assertTrue(
                    files(dir).stream().noneMatch(p -> p.toString().endsWith(".tmp")),
                    "no temporary file left: " + files(dir));
            store.failing = false;
            append(r, capture, 2 * total / 3 + 1, total);
            awaitWriter(r);
            Recorder.DiskStats after = r.diskStats();
            assertTrue(after.segments() > failed.segments(), "writing again: " + after);
            assertEquals(failed.droppedSegments(), after.droppedSegments());
            // every event is on disk, in memory or counted as lost
            long deletedEvents = total - after.events() - r.events() - after.droppedEvents();
            assertTrue(deletedEvents > 0, "the deleted files' events: " + after);
            // the replay reads what is left, in order, and ends with the memory history's events
            List<List<String>> got = replayRows(r, ScanRequest.of(fields(ROBUST)));
            assertEquals(after.events() + r.events(), got.size());
            List<List<String>> all = fileRows(capture, ROBUST);
            assertSameRows(
                    all.subList(all.size() - (int) r.events(), all.size()),
                    got.subList(got.size() - (int) r.events(), got.size()),
                    ROBUST);
            long prev = 0;
            for (List<String> row : got) {
                long num = Long.parseLong(row.get(0));
                assertTrue(num > prev, "evt.num in order: " + num + " after " + prev);
                prev = num;
            }
        }
    }

    /** The storm capture through the memory budget: full segments, of which the writer takes 4 while it stalls. */
    @Test
    void aWriterThatFallsBehindDropsSegmentsInsteadOfStallingTheCapture() throws Exception {
        Path capture = TestData.scap("sysdig_live_storm.scap.gz");
        TestStore store = new TestStore();
        store.go = new CountDownLatch(1);
        Recorder r = recorder(
                capture,
                new Recorder.Retention(Long.MAX_VALUE / 4, Recorder.SEGMENT_BYTES),
                disk(dir),
                SEGMENT,
                Recorder.MAX_PENDING,
                store);
        try (r) {
            assertTimeoutPreemptively(WAIT, () -> append(r, capture, 1, Long.MAX_VALUE), "append never waits");
            Recorder.DiskStats behind = r.diskStats();
            assertEquals(Recorder.MAX_PENDING, behind.pendingSegments(), behind.toString());
            assertTrue(behind.droppedSegments() > 100, behind.toString());
            assertTrue(behind.droppedEvents() > 0, behind.toString());
            assertEquals(0, behind.segments());
            assertTrue(
                    r.heldBytes() <= Recorder.SEGMENT_BYTES + (long) Recorder.MAX_PENDING * SEGMENT,
                    "memory: the history's budget and the writer's queue: " + r.heldBytes());
            store.go.countDown();
            awaitWriter(r);
            Recorder.DiskStats d = r.diskStats();
            assertEquals(Recorder.MAX_PENDING, d.segments(), d.toString());
            assertEquals(behind.droppedSegments(), d.droppedSegments());
            assertEquals(span(capture)[0], d.events() + r.events() + d.droppedEvents(), d.toString());
        }
    }

    /**
     * Segments the age cuts early go to the writer as copies of their events: a stalled writer holds many of them
     * within the same bytes.
     */
    @Test
    void segmentsCutByAgeWaitForTheWriterAsCopiesOfTheirEvents() throws Exception {
        Path capture = TestData.scap("bencer_example4_example4-1.scap");
        TestStore store = new TestStore();
        store.go = new CountDownLatch(1);
        Recorder r = recorder(capture, shortMemory(capture), disk(dir), SEGMENT, Recorder.MAX_PENDING, store);
        try (r) {
            append(r, capture, 1, Long.MAX_VALUE);
            Recorder.DiskStats behind = r.diskStats();
            assertTrue(behind.pendingSegments() > Recorder.MAX_PENDING, behind.toString());
            long memory = r.heldBytes();
            store.go.countDown();
            awaitWriter(r);
            assertTrue(r.heldBytes() < memory, "the copies are freed once written");
            Recorder.DiskStats d = r.diskStats();
            assertEquals(behind.pendingSegments() + behind.segments(), d.segments(), d.toString());
            assertEquals(span(capture)[0], d.events() + r.events() + d.droppedEvents(), d.toString());
            assertSameRows(fileRows(capture, FIELDS), replayRows(r, ScanRequest.of(fields(FIELDS))), FIELDS);
        }
    }

    @Test
    void aTimeRangeReadsOnlyTheFilesThatOverlapIt() throws Exception {
        Path capture = TestData.scap("bencer_example4_example4-1.scap");
        Recorded rec = record(capture, shortMemory(capture), disk(dir), SEGMENT, SegmentStore.FILES);
        try (Recorder r = rec.recorder()) {
            List<Recorder.DiskFile> fs = r.diskFiles();
            assertTrue(fs.size() >= 6, fs.size() + " files");
            long from = fs.get(2).maxTs();
            long to = fs.get(4).minTs();
            int overlapping = 0;
            for (Recorder.DiskFile f : fs) {
                if (f.maxTs() >= from && f.minTs() <= to) {
                    overlapping++;
                }
            }
            assertTrue(overlapping < fs.size() - 2, overlapping + " of " + fs.size());
            long readBefore = r.diskStats().filesRead();
            List<List<String>> got =
                    replayRows(r, ScanRequest.of(fields(ROBUST)).withTimeRange(from, to));
            assertEquals(overlapping, r.diskStats().filesRead() - readBefore, "files opened");
            List<List<String>> want = new ArrayList<>();
            for (List<String> row : fileRows(capture, ROBUST)) {
                long ts = Long.parseLong(row.get(1));
                if (ts >= from && ts <= to) {
                    want.add(row);
                }
            }
            assertFalse(want.isEmpty());
            assertSameRows(want, got, ROBUST);
            // a range in the memory history opens no file
            long inMemory = r.oldestTs();
            readBefore = r.diskStats().filesRead();
            List<List<String>> mem =
                    replayRows(r, ScanRequest.of(fields(ROBUST)).withTimeRange(inMemory, Long.MAX_VALUE));
            assertEquals(0, r.diskStats().filesRead() - readBefore);
            assertEquals(r.events(), mem.size());
        }
    }

    @Test
    void aDumpIsOneFileOfTheWindowThatSysdigReads() throws Exception {
        Path capture = TestData.scap("bencer_example4_example4-1.scap");
        Recorded rec = record(capture, shortMemory(capture), disk(dir.resolve("history")), SEGMENT, SegmentStore.FILES);
        try (Recorder r = rec.recorder()) {
            List<Recorder.DiskFile> fs = r.diskFiles();
            // from the middle of a disk segment into the memory history
            long from = (fs.get(1).minTs() + fs.get(1).maxTs()) / 2;
            long to = r.oldestTs() + 1;
            Path out = dir.resolve("incident.scap");
            long written = r.dump(from, to, out, false);
            List<Long> want = new ArrayList<>();
            try (ScapFileSource src = ScapFileSource.open(capture);
                    EventBatch batch = new EventBatch()) {
                Event e = new Event();
                while (src.fill(batch, 0)) {
                    while (batch.next(e)) {
                        if (e.ts() >= from && e.ts() <= to) {
                            want.add(e.ts());
                        }
                    }
                }
            }
            assertTrue(want.size() > 100, want.size() + " events in the window");
            assertEquals(want.size(), written);
            List<Long> got = new ArrayList<>();
            try (ScapFileSource src = ScapFileSource.open(out);
                    EventBatch batch = new EventBatch()) {
                assertFalse(src.initialState().processes().isEmpty(), "the state at the window's start");
                Event e = new Event();
                while (src.fill(batch, 0)) {
                    while (batch.next(e)) {
                        got.add(e.ts());
                    }
                }
            }
            assertEquals(want, got);
            // sysdig prints the window's events of the original, with the same process names
            String format = "*%evt.rawtime %thread.tid %evt.dir %evt.type %proc.name";
            Sysdig.Result all = Sysdig.run(capture, List.of("-p", format));
            Sysdig.Result dumped = Sysdig.run(out, List.of("-p", format));
            assertEquals(0, dumped.exitCode(), dumped.stderr());
            assertEquals("", dumped.stderr());
            List<String> window = all.lines().stream()
                    .filter(l -> {
                        long ts = Long.parseLong(l.substring(0, l.indexOf(' ')));
                        return ts >= from && ts <= to;
                    })
                    .toList();
            assertEquals(window, dumped.lines());
            // and the dump of a range in the memory history alone
            Path recent = dir.resolve("recent.scap.gz");
            long n = r.dump(r.oldestTs(), Long.MAX_VALUE, recent, true);
            assertEquals(r.events(), n);
            try (ScapFileSource src = ScapFileSource.open(recent)) {
                assertTrue(src.compressed());
                assertNotNull(src.initialState().machine());
            }
        }
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(Recorder.FILE_PREFIX))
                    .sorted()
                    .toList();
        }
    }
}
