// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sysql.capture.CaptureException;
import sysql.capture.EventTypes;
import sysql.capture.engine.BatchCursor;
import sysql.capture.engine.CaptureHub;
import sysql.capture.engine.KernelFilter;
import sysql.capture.engine.ScanRequest;

/**
 * What a query asks of the kernel probe: the conjuncts on {@code evt.type}, {@code proc.pid}, {@code thread.tid}
 * and {@code proc.name} of a STREAM query become a syscall set (x86_64 numbers), a pid set and a comm set, the
 * narrowest where several say who; anything else asks nothing. Run without root: a stand-in live engine serves a
 * capture file and records the filter each scan hands it.
 */
class KernelFiltersTest {
    private static final int READ = 0;
    private static final int WRITE = 1;
    private static final int OPEN = 2;
    private static final int CLOSE = 3;
    private static final int OPENAT = 257;

    /** A live engine in all but its source: a capture file; it keeps the last scan's request. */
    static final class RecordingLiveEngine implements SysqlEngine {
        private final FileEngine file;
        ScanRequest lastStream;
        ScanRequest lastHistory;

        RecordingLiveEngine(FileEngine file) {
            this.file = file;
        }

        @Override
        public BatchCursor stream(ScanRequest request) throws CaptureException {
            lastStream = request;
            return file.stream(request);
        }

        @Override
        public BatchCursor history(ScanRequest request) throws CaptureException {
            lastHistory = request;
            return file.history(request);
        }

        @Override
        public CaptureHub.StateSnapshot state() throws CaptureException {
            return file.state();
        }

        @Override
        public Optional<CaptureHub.Stats> stats() {
            return Optional.empty();
        }

        @Override
        public boolean isLive() {
            return true;
        }

        @Override
        public String describe() {
            return "live (a test's stand-in)";
        }
    }

    private static RecordingLiveEngine engine;
    private static Connection c;

    @BeforeAll
    static void open() throws Exception {
        engine = new RecordingLiveEngine(new FileEngine(TestConnections.scap("libs_curl_google.scap")));
        c = TestConnections.connect(engine);
    }

    @AfterAll
    static void close() throws SQLException {
        c.close();
    }

    /** The kernel filter a STREAM query with this WHERE clause hands the engine. */
    private static KernelFilter kernel(String where) throws SQLException {
        engine.lastStream = null;
        TestConnections.rows(c, "SELECT STREAM evt.num FROM events WHERE " + where);
        assertTrue(engine.lastStream != null, "the stream was read");
        return engine.lastStream.kernelFilter();
    }

    private static BitSet syscalls(int... numbers) {
        BitSet b = new BitSet();
        for (int n : numbers) {
            b.set(n);
        }
        return b;
    }

    @Test
    void evtTypeBecomesASyscallSetByX8664Number() throws SQLException {
        assertEquals(KernelFilter.syscalls(syscalls(OPENAT)), kernel("evt.type = 'openat'"));
        assertEquals(KernelFilter.syscalls(syscalls(READ)), kernel("evt.type = 'read'"));
        assertEquals(
                KernelFilter.syscalls(syscalls(READ, OPEN, OPENAT)), kernel("evt.type IN ('open', 'openat', 'read')"));
        assertEquals(KernelFilter.syscalls(syscalls(OPENAT, READ)), kernel("evt.type = 'openat' OR evt.type = 'read'"));
        assertEquals(
                KernelFilter.syscalls(syscalls(OPENAT)),
                kernel("evt.type IN ('open', 'openat') AND evt.type = 'openat'"));
        assertEquals(KernelFilter.syscalls(new BitSet()), kernel("evt.type = 'no_such_syscall'"));
        assertEquals("open", EventTypes.syscallEventName(OPEN), "the numbers are x86_64's");
        assertEquals("close", EventTypes.syscallEventName(CLOSE));
    }

    @Test
    void negatedEvtTypeIsEverySyscallButThose() throws SQLException {
        BitSet notRead = kernel("evt.type <> 'read'").syscalls();
        assertFalse(notRead.get(READ));
        assertTrue(notRead.get(WRITE) && notRead.get(OPENAT) && notRead.get(CLOSE), notRead.toString());
        BitSet notReadWrite = kernel("evt.type NOT IN ('read', 'write')").syscalls();
        assertFalse(notReadWrite.get(READ) || notReadWrite.get(WRITE));
        assertTrue(notReadWrite.get(OPENAT));
        BitSet expected = (BitSet) notRead.clone();
        expected.clear(WRITE);
        assertEquals(expected, notReadWrite);
        assertEquals(KernelFilter.syscalls(syscalls(OPENAT)), kernel("evt.type <> 'read' AND evt.type = 'openat'"));
    }

    @Test
    void pidsTidsAndCommsSayWhichThreads() throws SQLException {
        assertEquals(KernelFilter.pids(Set.of(42)), kernel("proc.pid = 42"));
        assertEquals(KernelFilter.pids(Set.of(7, 8)), kernel("thread.tid IN (7, 8)"));
        assertEquals(KernelFilter.comms(Set.of("curl")), kernel("proc.name = 'curl'"));
        assertEquals(KernelFilter.comms(Set.of("curl", "bash")), kernel("proc.name IN ('curl', 'bash')"));
        assertEquals(
                KernelFilter.comms(Set.of("a-very-long-pro")),
                kernel("proc.name = 'a-very-long-process-name'"),
                "the kernel keeps 15 characters of a thread's name");
        assertEquals(KernelFilter.pids(Set.of()), kernel("proc.pid = -1"), "no thread has it: nothing passes");
        assertEquals(
                KernelFilter.pids(Set.of(1234)),
                kernel("proc.pid IN (1234, 0)"),
                "the impossible pid matches nothing, 1234 still does");
    }

    @Test
    void aConjunctionTakesTheSyscallsAndTheNarrowestThreads() throws SQLException {
        KernelFilter k = kernel("evt.type = 'openat' AND proc.pid = 42");
        assertEquals(syscalls(OPENAT), k.syscalls());
        assertEquals(Set.of(42), k.pids());
        KernelFilter narrow = kernel("proc.pid IN (1, 2, 3) AND proc.name = 'curl' AND evt.type IN ('read', 'write')");
        assertEquals(syscalls(READ, WRITE), narrow.syscalls());
        assertEquals(Set.of("curl"), narrow.comms());
        assertEquals(null, narrow.pids());
        // a conjunct the kernel cannot evaluate leaves the others
        assertEquals(KernelFilter.syscalls(syscalls(OPENAT)), kernel("evt.type = 'openat' AND fd.name LIKE '/etc/%'"));
    }

    @Test
    void whatTheKernelCannotSayAsksNothing() throws SQLException {
        for (String where : List.of(
                "evt.type = 'openat' OR proc.pid = 42",
                "proc.name = 'curl' OR fd.num = 3",
                "proc.pid <> 42",
                "proc.pid > 42",
                "proc.pid NOT IN (1, 2)",
                "proc.name <> 'curl'",
                "evt.type LIKE 'open%'",
                "fd.name = '/etc/hosts'",
                "NOT (evt.type = 'read')  OR evt.failed",
                "TRIM(proc.name) = 'curl'")) {
            assertEquals(KernelFilter.ALL, kernel(where), where);
        }
    }

    @Test
    void explainShowsTheKernelFilterOfALiveStreamOnly() throws SQLException {
        String plan = TestConnections.explain(
                c, "SELECT STREAM proc.name FROM events WHERE evt.type IN ('openat', 'read') AND proc.pid = 42");
        assertTrue(plan.contains("source=[live stream]"), plan);
        assertTrue(plan.contains("kernel=[syscalls=[openat, read] threads=pid in [42]]"), plan);
        String history = TestConnections.explain(c, "SELECT proc.name FROM events WHERE evt.type = 'openat'");
        assertTrue(history.contains("source=[history]") && !history.contains("kernel="), history);
        engine.lastHistory = null;
        TestConnections.rows(c, "SELECT proc.name FROM events WHERE evt.type = 'openat'");
        assertEquals(KernelFilter.ALL, engine.lastHistory.kernelFilter(), "history was captured already");
    }

    @Test
    void theWholePredicateStillRunsAboveTheKernel() throws SQLException {
        // the kernel's comm set is a superset (a name cut to 15 characters); the capture layer keeps the rest
        String where = "proc.name IN ('curl', 'curl-with-a-long-name') AND evt.type = 'open' AND fd.name LIKE '/etc/%'";
        List<List<Object>> stream =
                TestConnections.rows(c, "SELECT STREAM evt.num, fd.name FROM events WHERE " + where);
        assertEquals(TestConnections.rows(c, "SELECT evt.num, fd.name FROM events WHERE " + where), stream);
        assertFalse(stream.isEmpty());
        for (List<Object> r : stream) {
            assertTrue(((String) r.get(1)).startsWith("/etc/"), r.toString());
        }
    }
}
