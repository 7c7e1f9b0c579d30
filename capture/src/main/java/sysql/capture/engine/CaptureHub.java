// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import sysql.capture.CaptureException;
import sysql.capture.CaptureStats;
import sysql.capture.DropNotices;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.EventTypes;
import sysql.capture.LiveCapture;
import sysql.capture.fields.EventContext;
import sysql.capture.state.ProcfsReader;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;
import sysql.driver.EventTables;

/**
 * The one live capture of a process, shared by every consumer: the history recorder and each running query
 * ({@link Subscription}). One capture thread drains the driver, keeps the live state (thread and fd tables,
 * bootstrapped from /proc) and offers every event to the recorder and to each subscription, which extracts
 * only its own fields for the rows its own predicate keeps.
 *
 * <p>The kernel filter is the union of what the consumers need (the recorder needs everything, or what its history
 * filter keeps), plus the syscalls that keep the state tables right; it narrows when a query ends, and the probe is
 * detached when nothing needs it (and attached again, with the state read anew from /proc, when something does).
 *
 * <p>With a history filter ({@link Options#historyFilter()}), the recorder keeps the events the filter lets through
 * and every event the state needs (the state syscalls', and every event that is no syscall), so that a replay
 * rebuilds the same process and fd state ({@link HistoryKeep}, decided on the capture thread). evt.num in the
 * history then counts the recorded events: it no longer equals the live stream's evt.num of the same event.
 *
 * <p>Subscribing, unsubscribing and reading the state are done by the capture thread between two driver
 * batches, so the state is never read while it changes.
 */
public final class CaptureHub implements AutoCloseable {
    /**
     * The capture's settings; {@code history} null for no recorder, {@code disk} null to keep the history in memory
     * only (else the recorder spills what leaves the memory history to segment files there); {@code historyFilter}
     * what the history keeps ({@link KernelFilter#ALL}, or null, for everything), besides the events the state
     * needs, which it always keeps. The kernel captures what the history filter and the running queries need.
     */
    public record Options(
            LiveCapture.Options capture,
            Recorder.Retention history,
            Recorder.DiskHistory disk,
            KernelFilter historyFilter) {
        public Options {
            historyFilter = historyFilter == null ? KernelFilter.ALL : historyFilter;
        }

        /** Memory history only. */
        public Options(LiveCapture.Options capture, Recorder.Retention history) {
            this(capture, history, null);
        }

        /** A history of every event. */
        public Options(LiveCapture.Options capture, Recorder.Retention history, Recorder.DiskHistory disk) {
            this(capture, history, disk, KernelFilter.ALL);
        }

        /** These settings with {@code filter} as the history filter. */
        public Options withHistoryFilter(KernelFilter filter) {
            return new Options(capture, history, disk, filter);
        }

        public static Options defaults() {
            return new Options(LiveCapture.Options.defaults(), Recorder.Retention.DEFAULT);
        }
    }

    /** The live state at one moment: a copy, the caller's to read. */
    public record StateSnapshot(ThreadTable threads, Users users, long timeNanos) {}

    /** What one subscription does, for capture_stats. */
    public record SubscriptionStats(long id, String kernelFilter, long deliveredRows, long droppedRows) {}

    /** The capture's counters: the driver's, the kernel filter in effect, the consumers and the history. */
    public record Stats(
            CaptureStats driver,
            boolean attached,
            String kernelFilter,
            List<SubscriptionStats> subscriptions,
            long historyEvents,
            long historyBytes,
            long historyOldestNanos,
            long historyEvicted,
            long eventsSeen,
            long historyDiskSegments,
            long historyDiskBytes,
            long historyDiskEvents,
            long historyDiskOldestNanos,
            long historyDiskDroppedSegments,
            long historyDiskDroppedEvents,
            long historyDiskDeletedSegments) {}

    /** The longest a caller waits for the capture thread to run a request. */
    private static final long REQUEST_TIMEOUT_MS = 10_000;

    private static final int WAIT_SLICE_MS = 100;
    /** How often the capture thread looks at the drop counters (and writes {@link DropNotices}). */
    private static final long DROP_CHECK_NANOS = 100_000_000L;
    /** Syscalls whose events keep the state tables right: captured whatever the consumers ask for. */
    static final BitSet STATE_SYSCALLS = stateSyscalls();

    private final LiveCapture capture;
    private final ProcfsReader procfs = new ProcfsReader();
    private final Users users = Users.fromEtc(Path.of("/etc"));
    private final BufferAllocator allocator = new RootAllocator();
    private final Recorder recorder;
    /** What the recorder needs from the kernel: everything, or its history filter. */
    private final KernelFilter historyFilter;
    /** Which events the recorder keeps; null for every event. */
    private final HistoryKeep historyKeep;

    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Object wakeup = new Object();
    private final AtomicLong subscriptionIds = new AtomicLong();
    private volatile Subscription[] subscriptions = new Subscription[0];
    private volatile boolean running = true;
    private volatile CaptureException failure;
    private volatile boolean attached;
    private volatile KernelFilter applied;
    private volatile long eventsSeen;
    // Capture thread only:
    private ThreadTable threads;
    private EventContext context;
    private final DropNotices notices = new DropNotices();
    private long lastDropCheck;
    /** The print length of buffer text: the capture's snaplen (see {@link EventContext#bufferPrintLength(int)}). */
    private final int bufferPrintLength;

    private CaptureHub(LiveCapture capture, Options options) throws CaptureException {
        this.capture = capture;
        this.bufferPrintLength = options.capture().snaplen() > 0
                ? options.capture().snaplen()
                : EventContext.DEFAULT_BUFFER_PRINT_LENGTH;
        if (options.history() != null) {
            attach(); // the recorder needs everything from the start
            recorder = new Recorder(
                    options.history(),
                    threads,
                    users,
                    bufferPrintLength,
                    options.disk(),
                    options.disk() == null ? null : Recorder.Host.live());
            threads.onLoad(recorder::threadLoaded);
        } else {
            recorder = null;
        }
        historyFilter = options.historyFilter();
        historyKeep = recorder == null ? null : HistoryKeep.of(historyFilter, STATE_SYSCALLS);
        applyFilter();
        thread = new Thread(this::run, "sysql-capture");
        thread.setDaemon(true);
        thread.start();
    }

    /** Loads the probe and starts the capture thread (the probe is attached at once when there is a recorder). */
    public static CaptureHub start(Options options) throws CaptureException {
        LiveCapture capture = LiveCapture.open(options.capture());
        try {
            return new CaptureHub(capture, options);
        } catch (CaptureException | RuntimeException e) {
            capture.close();
            throw e;
        }
    }

    private static BitSet stateSyscalls() {
        BitSet s = new BitSet();
        for (int nr = 0; nr < EventTables.SYSCALL_TABLE_SIZE; nr++) {
            int enter = EventTypes.syscallEnterEvent(nr);
            if (enter >= 0 && (StateTracker.changesState(enter) || StateTracker.changesState(enter + 1))) {
                s.set(nr);
            }
        }
        return s;
    }

    public boolean hasHistory() {
        return recorder != null;
    }

    public Recorder.Retention historyRetention() {
        return recorder == null ? null : recorder.retention();
    }

    /** Starts a live scan: from now on, the subscription receives the rows its request keeps. */
    public Subscription subscribe(ScanRequest request) throws CaptureException {
        checkRunning();
        long id = subscriptionIds.incrementAndGet();
        Subscription s = new Subscription(
                this, id, request, allocator.newChildAllocator("subscription-" + id, 0, Long.MAX_VALUE));
        onCaptureThread(() -> {
            Subscription[] now = subscriptions;
            Subscription[] next = java.util.Arrays.copyOf(now, now.length + 1);
            next[now.length] = s;
            subscriptions = next;
            applyFilter();
            return null;
        });
        return s;
    }

    /** Called by {@link Subscription#close()}; the capture thread lets it go and narrows the kernel filter. */
    void unsubscribe(Subscription s) {
        if (!thread.isAlive()) {
            s.release(); // the capture thread is gone: nothing else touches the batches
            return;
        }
        post(() -> {
            Subscription[] now = subscriptions;
            List<Subscription> next = new ArrayList<>(List.of(now));
            if (next.remove(s)) {
                subscriptions = next.toArray(Subscription[]::new);
                s.release();
                try {
                    applyFilter();
                } catch (CaptureException e) {
                    failure = e;
                }
            }
        });
    }

    /** A scan of the history (what the recorder holds now). */
    public BatchCursor history(ScanRequest request) throws CaptureException {
        checkRunning();
        if (recorder == null) {
            throw new CaptureException(
                    CaptureException.Reason.STATE,
                    "this connection keeps no history: query the live stream with SELECT STREAM, or connect "
                            + "with history on (jdbc:sysql:history=on, the default)");
        }
        return recorder.replay(request, allocator.newChildAllocator("history", 0, Long.MAX_VALUE));
    }

    /**
     * Writes the history's events in {@code fromTs..toTs} (ns since the epoch) as one sysdig capture file
     * ({@link Recorder#dump(long, long, Path, boolean)}); returns the events written.
     */
    public long dumpHistory(long fromTs, long toTs, Path file, boolean gzip) throws CaptureException {
        return recorderToDump().dump(fromTs, toTs, file, gzip);
    }

    /** The same, written to {@code out} (closed at the end), uncompressed: what SQL's history_scap reads. */
    public long dumpHistory(long fromTs, long toTs, java.io.OutputStream out) throws CaptureException {
        return recorderToDump().dump(fromTs, toTs, out, false);
    }

    private Recorder recorderToDump() throws CaptureException {
        checkRunning();
        if (recorder == null) {
            throw new CaptureException(
                    CaptureException.Reason.STATE,
                    "this capture keeps no history to dump: start it with history on (jdbc:sysql:history=on)");
        }
        return recorder;
    }

    /** A copy of the live state, taken by the capture thread between two batches (read anew from /proc when idle). */
    public StateSnapshot state() throws CaptureException {
        checkRunning();
        return onCaptureThread(() -> {
            if (!attached) {
                bootstrap();
            }
            return new StateSnapshot(threads.copy(null), users, System.currentTimeMillis() * 1_000_000L);
        });
    }

    public Users users() {
        return users;
    }

    /** Counters of the driver, the filter in effect, the consumers and the history. */
    public Stats stats() throws CaptureException {
        checkRunning();
        List<SubscriptionStats> subs = new ArrayList<>();
        for (Subscription s : subscriptions) {
            subs.add(new SubscriptionStats(
                    s.id(), s.request().kernelFilter().toString(), s.deliveredRows(), s.droppedRows()));
        }
        KernelFilter k = applied;
        Recorder.DiskStats disk = recorder == null ? Recorder.DiskStats.NONE : recorder.diskStats();
        return new Stats(
                capture.stats(),
                attached,
                k == null ? "detached" : describeApplied(k) + describeHistoryFilter(),
                List.copyOf(subs),
                recorder == null ? 0 : recorder.events(),
                recorder == null ? 0 : recorder.heldBytes(),
                recorder == null ? -1 : recorder.oldestTs(),
                recorder == null ? 0 : recorder.evictedEvents(),
                eventsSeen,
                disk.segments(),
                disk.bytes(),
                disk.events(),
                disk.oldestNanos(),
                disk.droppedSegments(),
                disk.droppedEvents(),
                disk.deletedSegments());
    }

    private static String describeApplied(KernelFilter k) {
        return k.allSyscalls() ? k.toString() : k + " + " + STATE_SYSCALLS.cardinality() + " state syscalls";
    }

    /** {@code ; history keeps FILTER + state events} with a history filter, else nothing. */
    private String describeHistoryFilter() {
        return historyKeep == null ? "" : "; history keeps " + historyFilter + " + state events";
    }

    // ---- the capture thread

    @SuppressWarnings("NonAtomicVolatileUpdate") // one writer (this thread); stats() only reads
    private void run() {
        Event e = new Event();
        try (EventBatch batch = new EventBatch()) {
            while (running) {
                runTasks();
                if (!attached) {
                    synchronized (wakeup) {
                        if (tasks.isEmpty() && running) {
                            wakeup.wait(WAIT_SLICE_MS);
                        }
                    }
                    continue;
                }
                capture.fill(batch, WAIT_SLICE_MS);
                Subscription[] subs = subscriptions;
                long n = 0;
                while (batch.next(e)) {
                    offer(e, subs);
                    n++;
                }
                eventsSeen += n;
                long watermark = capture.watermark();
                long now = System.nanoTime();
                if (now - lastDropCheck >= DROP_CHECK_NANOS) {
                    lastDropCheck = now;
                    eventsSeen += notices.check(
                            capture.stats(), historyLoss(), DropNotices.wallNanos(), notice -> offer(notice, subs));
                }
                for (Subscription s : subs) {
                    s.endRound(watermark);
                }
            }
        } catch (CaptureException ex) {
            failure = ex;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ex) {
            failure = new CaptureException(CaptureException.Reason.UNKNOWN, "the capture thread failed: " + ex, ex);
        } finally {
            for (Subscription s : subscriptions) {
                s.fail(failure);
            }
            runTasks();
        }
    }

    /** Hands one event to the recorder and to every subscription. */
    private void offer(Event e, Subscription[] subs) {
        if (recorder != null && (historyKeep == null || historyKeep.keeps(e, threads))) {
            recorder.append(e);
        }
        context.advance(e);
        for (Subscription s : subs) {
            s.offerSafely(context);
        }
    }

    /** What the history's disk writer did not write since the last look (none without a disk tier). */
    private DropNotices.HistoryLoss historyLoss() {
        return recorder == null ? DropNotices.HistoryLoss.NONE : recorder.takeDiskLoss();
    }

    private void runTasks() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            r.run();
        }
    }

    private void post(Runnable r) {
        tasks.add(r);
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
    }

    /**
     * For tests: the capture thread stops reading the driver for {@code millis}, as a consumer too slow for the
     * rings would (under a storm, the rings fill and the driver counts drops).
     */
    void stallForTest(long millis) {
        post(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private interface CaptureTask<T> {
        T run() throws CaptureException;
    }

    /** Runs {@code task} on the capture thread and waits for its result. */
    private <T> T onCaptureThread(CaptureTask<T> task) throws CaptureException {
        CompletableFuture<T> result = new CompletableFuture<>();
        post(() -> {
            try {
                result.complete(task.run());
            } catch (CaptureException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CaptureException ce) {
                throw ce;
            }
            throw new CaptureException(
                    CaptureException.Reason.UNKNOWN, "capture request failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new CaptureException(
                    CaptureException.Reason.STATE,
                    "the capture thread did not answer within " + REQUEST_TIMEOUT_MS / 1000 + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureException(CaptureException.Reason.STATE, "interrupted while waiting for the capture");
        }
    }

    private void checkRunning() throws CaptureException {
        CaptureException f = failure;
        if (f != null) {
            throw new CaptureException(f.reason(), "the live capture stopped: " + f.getMessage(), f);
        }
        if (!running) {
            throw new CaptureException(CaptureException.Reason.STATE, "the live capture is closed");
        }
    }

    /** Reads the state anew from /proc (at start, and when the probe comes back after being detached). */
    private void bootstrap() {
        ThreadTable t = new ThreadTable(procfs);
        procfs.readAll(t);
        if (recorder != null) {
            t.onLoad(recorder::threadLoaded);
        }
        long before = context == null ? 0 : context.num();
        threads = t;
        context = new EventContext(new StateTracker(t), users, before).bufferPrintLength(bufferPrintLength);
    }

    private void attach() throws CaptureException {
        if (!attached) {
            capture.start(); // first, so that nothing between the /proc scan and the first event is missed
            bootstrap();
            notices.reset(capture.stats(), DropNotices.wallNanos());
            lastDropCheck = System.nanoTime();
            attached = true;
        }
    }

    private void detach() throws CaptureException {
        if (attached) {
            capture.stop();
            attached = false;
            try (EventBatch drain = new EventBatch()) {
                do {
                    capture.fill(drain, 0);
                } while (drain.count() > 0);
            }
        }
    }

    /** Sets the kernel filter to what the consumers need, attaching or detaching the probe. */
    private void applyFilter() throws CaptureException {
        KernelFilter want = recorder != null ? historyFilter : null;
        for (Subscription s : subscriptions) {
            KernelFilter k = s.request().kernelFilter();
            want = want == null ? k : want.union(k);
        }
        if (want == null) {
            detach();
            applied = null;
            return;
        }
        KernelFilter before = applied;
        if (want.allSyscalls()) {
            capture.captureAllSyscalls();
        } else {
            BitSet on = want.syscalls();
            on.or(STATE_SYSCALLS);
            capture.captureOnlySyscallNumbers(on);
        }
        if (want.pids() != null) {
            capture.setPidFilter(
                    LiveCapture.PidFilter.INCLUDE,
                    want.pids().stream().mapToInt(Integer::intValue).toArray());
        } else {
            capture.setPidFilter(LiveCapture.PidFilter.OFF);
        }
        capture.setCommFilter(want.comms() == null ? List.of() : want.comms());
        applied = want;
        if (!attached) {
            attach();
        } else if (before != null && !want.within(before) && !(recorder != null && sameThreads(want, before))) {
            bootstrap(); // the capture widened: what it did not see meanwhile is read from /proc
        }
    }

    /**
     * Whether two filters capture the same threads: then the state is whole under either, since the state syscalls
     * are always captured (with a history filter that keeps every thread, a query that asks for a syscall the
     * history leaves out does not make the capture thread read /proc again).
     */
    private static boolean sameThreads(KernelFilter a, KernelFilter b) {
        return java.util.Objects.equals(a.pids(), b.pids()) && java.util.Objects.equals(a.comms(), b.comms());
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A subscription's batches are freed by its consumer, which may still be reading one: the capture thread
        // told each that the capture is closed, and its close frees them.
        subscriptions = new Subscription[0];
        capture.close();
        if (recorder != null) {
            recorder.close(); // with a disk tier: the memory history goes to disk too
        }
        try {
            allocator.close();
        } catch (IllegalStateException e) {
            // a query still holds batches: their memory goes with the process
        }
    }
}
