// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import sysql.capture.CaptureException;
import sysql.capture.DropNotices;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.columnar.EventColumns;
import sysql.capture.fields.EventContext;
import sysql.capture.scap.GroupInfo;
import sysql.capture.scap.InitialState;
import sysql.capture.scap.InterfaceInfo;
import sysql.capture.scap.MachineInfo;
import sysql.capture.scap.ScapFdInfo;
import sysql.capture.scap.ScapFileSource;
import sysql.capture.scap.ScapFileWriter;
import sysql.capture.scap.UserInfo;
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.InitialStateSnapshot;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadInfo;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;

/**
 * The live stream's bounded history: the last events (by default 60 s or 256 MiB, whichever is less), kept
 * as they came from the driver — sysdig's encoding, a few dozen bytes per event — in off-heap segments. A
 * query over history replays them through a copy of the state the stream had at the oldest kept event, so
 * every field has the value it had live (the process name before an exec, a file name before its close), and
 * only the requested fields are ever extracted.
 *
 * <p>The capture thread appends; when a segment falls out of the retention, a base state tracker (always at
 * the oldest kept event) consumes it. Threads the live table filled from /proc mid-stream are kept with the
 * segment in which they were first seen, so a replay (which cannot ask /proc about the past) finds them
 * there. Replays run on any thread, concurrently with appends; a segment is freed once the retention and
 * every replay holding it have let go.
 *
 * <p>With a {@link DiskHistory}, a segment that falls out of the memory retention is written as one sysdig
 * {@code .scap} file (its initial state: the base state at its first event) by the recorder's writer thread; the
 * capture thread only hands it over with a copy of the base state, and counts it as dropped when the writer is
 * {@link #MAX_PENDING} full segments' bytes behind (a segment less than half full is handed over as a copy of its
 * events, so that the segments the age cuts on a quiet host cost what they hold). A replay reads the disk segments (each from its own initial state, or
 * going on from the previous one's state when they follow each other), then the memory segments.
 *
 * <p>The recorder keeps what it is given: with a history filter, the capture hub appends only the events the
 * filter lets through and those the state needs ({@link HistoryKeep}). evt.num in a replay counts the recorded
 * events (the events of the disk files too), so with a history filter it no longer equals the evt.num the live
 * stream gave the same event.
 */
public final class Recorder implements AutoCloseable {
    /** How much history to keep: events younger than {@code nanos} (by event time), at most {@code bytes}. */
    public record Retention(long nanos, long bytes) {
        public static final Retention DEFAULT = new Retention(60_000_000_000L, 256L << 20);

        public Retention {
            if (nanos <= 0 || bytes < SEGMENT_BYTES) {
                throw new IllegalArgumentException("history retention must keep more than 0 s and at least "
                        + (SEGMENT_BYTES >> 20) + " MiB (given " + nanos / 1e9 + " s, " + (bytes >> 20) + " MiB)");
            }
        }
    }

    /**
     * The disk tier: segments that leave the memory history are written to {@code dir} as sysdig capture files
     * ({@code sysql-history-FIRSTTS-LASTTS-FIRSTNUM-EVENTS.scap}, {@code .scap.gz} when {@code compress}), kept
     * while they hold at most {@code maxBytes} in all and events younger than {@code maxAgeNanos} (by the newest
     * recorded event's time); the oldest file goes first.
     */
    public record DiskHistory(Path dir, long maxBytes, long maxAgeNanos, boolean compress) {
        public static final long DEFAULT_MAX_BYTES = 2L << 30;
        public static final long DEFAULT_MAX_AGE_NANOS = 15L * 60 * 1_000_000_000L;

        public DiskHistory {
            if (dir == null) {
                throw new IllegalArgumentException("the disk history needs a directory");
            }
            if (maxBytes <= 0 || maxAgeNanos <= 0) {
                throw new IllegalArgumentException("disk history must keep more than 0 bytes and 0 s (given " + maxBytes
                        + " bytes, " + maxAgeNanos / 1e9 + " s)");
            }
        }

        /** The defaults in {@code dir}: 2 GiB, 15 minutes, not compressed. */
        public static DiskHistory in(Path dir) {
            return new DiskHistory(dir, DEFAULT_MAX_BYTES, DEFAULT_MAX_AGE_NANOS, false);
        }
    }

    /** What a written capture file says about the machine: its machine info and network interfaces. */
    public record Host(MachineInfo machine, List<InterfaceInfo> interfaces) {
        public Host {
            interfaces = List.copyOf(interfaces);
        }

        /** This host (/proc, its interfaces). */
        public static Host live() {
            return new Host(InitialStateSnapshot.hostMachine(Path.of("/proc")), InitialStateSnapshot.hostInterfaces());
        }
    }

    /**
     * The disk tier's counters: files kept, their bytes and events, the oldest event on disk (-1 for none),
     * segments waiting for the writer, segments (and their events) not written because a write failed twice or
     * the writer was behind, files deleted (by the retention, or to make room after a failed write), files replays
     * opened, and the last write error (null for none).
     */
    public record DiskStats(
            long segments,
            long bytes,
            long events,
            long oldestNanos,
            long pendingSegments,
            long droppedSegments,
            long droppedEvents,
            long deletedSegments,
            long filesRead,
            String lastError) {
        static final DiskStats NONE = new DiskStats(0, 0, 0, -1, 0, 0, 0, 0, 0, null);
    }

    static final int SEGMENT_BYTES = 4 << 20;
    /**
     * Bytes of segments handed to the writer and not written yet, at most, in full segments (16 MiB); more are
     * dropped rather than waited for.
     */
    static final int MAX_PENDING = 4;

    static final String FILE_PREFIX = "sysql-history-";
    static final int KEPT_NOTICES = 4096;

    /** A drop notice the recorder appended: its time, description, interval and count. */
    private record KeptNotice(long ts, String desc, long since, long until, long lost) {}

    private static final Pattern FILE_NAME =
            Pattern.compile("sysql-history-(\\d+)-(\\d+)-(\\d+)-(\\d+)\\.scap(\\.gz)?");
    private static final long CLOSE_WAIT_MS = 60_000;

    private final Retention retention;
    private final int segmentBytes;
    private final Users users;
    private final ArrayDeque<Segment> segments = new ArrayDeque<>(); // guarded by this
    private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>(); // guarded by this
    private volatile Segment open; // capture thread writes; readers take its committed length
    private final ThreadTable baseThreads;
    private final StateTracker base;
    private final int bufferPrintLength;
    private final Event scratch = new Event();
    private volatile long oldestSealedMaxTs = Long.MAX_VALUE; // newest event of the oldest sealed segment
    private long baseNum; // evt.num of the last event the base tracker consumed
    private long heldBytes; // bytes of segments retained or still read by a replay or the writer
    private long evictedEvents;
    // The disk tier (null/empty without one); the lists and counters are guarded by this.
    private final DiskHistory disk;
    private final SegmentStore store;
    private final Host host;
    private final long maxPendingBytes;
    private final ArrayDeque<Spill> pending = new ArrayDeque<>();
    private final ArrayDeque<DiskFile> files = new ArrayDeque<>();
    private final Thread writer;
    private final Event writerEvent = new Event(); // writer thread only
    private long pendingBytes;
    private long diskBytes;
    private long diskEvents;
    private long droppedSegments;
    private long droppedEvents;
    // what the disk tier lost since the last takeDiskLoss(): events and their times
    private long lossEvents;
    private long lossFromTs = Long.MAX_VALUE;
    private long lossToTs = Long.MIN_VALUE;
    /** The drop notices recorded (the last {@link #KEPT_NOTICES}), for the scans whose walk ends before them. */
    private final ArrayDeque<KeptNotice> notices = new ArrayDeque<>(); // guarded by this

    private long deletedSegments;
    private long newestTs = Long.MIN_VALUE;
    private String lastError;
    private boolean closing;
    private final AtomicLong filesRead = new AtomicLong();

    /** @param initial the state at the first event to be recorded (a copy is kept) */
    public Recorder(Retention retention, ThreadTable initial, Users users) {
        this(retention, initial, users, EventContext.DEFAULT_BUFFER_PRINT_LENGTH);
    }

    /**
     * @param initial the state at the first event to be recorded (a copy is kept)
     * @param bufferPrintLength the print length of buffer text in replays (the capture's snaplen)
     */
    public Recorder(Retention retention, ThreadTable initial, Users users, int bufferPrintLength) {
        this(retention, initial, users, bufferPrintLength, null, null, SEGMENT_BYTES, MAX_PENDING, SegmentStore.FILES);
    }

    /**
     * A recorder that spills to disk: the segment files already in {@code disk.dir()} are adopted (left-over
     * {@code .tmp} files of an interrupted write deleted) and replayed before what this recorder records.
     *
     * @param disk the disk tier, or null for memory only
     * @param host the machine the written files describe
     * @throws CaptureException ({@code IO}) if the directory cannot be created or read
     */
    public Recorder(
            Retention retention, ThreadTable initial, Users users, int bufferPrintLength, DiskHistory disk, Host host)
            throws CaptureException {
        this(retention, initial, users, bufferPrintLength, disk, host, SEGMENT_BYTES, MAX_PENDING, SegmentStore.FILES);
        if (disk != null) {
            adopt();
            writer.start();
        }
    }

    /**
     * For tests: segments of {@code segmentBytes}, at most {@code maxPending} segments' bytes waiting for the
     * writer, files through {@code store}; the writer is not started.
     */
    Recorder(
            Retention retention,
            ThreadTable initial,
            Users users,
            int bufferPrintLength,
            DiskHistory disk,
            Host host,
            int segmentBytes,
            int maxPending,
            SegmentStore store) {
        if (segmentBytes < EventBatch.MIN_CAPACITY || segmentBytes > retention.bytes()) {
            throw new IllegalArgumentException("a history segment holds " + EventBatch.MIN_CAPACITY + " bytes to "
                    + retention.bytes() + " (the retention), not " + segmentBytes);
        }
        this.bufferPrintLength = bufferPrintLength;
        this.retention = retention;
        this.segmentBytes = segmentBytes;
        this.users = users;
        this.baseThreads = initial.copy(this::loadFromEvicted);
        this.base = new StateTracker(baseThreads);
        this.disk = disk;
        this.store = store;
        this.host = host;
        this.maxPendingBytes = (long) maxPending * segmentBytes;
        if (disk != null) {
            writer = new Thread(this::writeLoop, "sysql-history-writer");
            writer.setDaemon(true);
        } else {
            writer = null;
        }
    }

    /** For tests: a recorder with a small segment size, its own writer queue bound and store, writer started. */
    static Recorder withStore(
            Retention retention,
            ThreadTable initial,
            Users users,
            DiskHistory disk,
            Host host,
            int segmentBytes,
            int maxPending,
            SegmentStore store)
            throws CaptureException {
        Recorder r = new Recorder(
                retention,
                initial,
                users,
                EventContext.DEFAULT_BUFFER_PRINT_LENGTH,
                disk,
                host,
                segmentBytes,
                maxPending,
                store);
        if (disk != null) {
            r.adopt();
            r.writer.start();
        }
        return r;
    }

    /** One block of recorded events, in the batch layout ({@code u16 cpu} then the event). */
    private final class Segment {
        final ByteBuffer data;
        volatile int committed;
        volatile int events;
        volatile long minTs = Long.MAX_VALUE;
        volatile long maxTs = Long.MIN_VALUE;
        final Map<Long, ThreadInfo> loaded = new ConcurrentHashMap<>();
        final AtomicInteger refs = new AtomicInteger(1); // the recorder's own reference

        Segment(ByteBuffer data) {
            this.data = data;
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                synchronized (Recorder.this) {
                    heldBytes -= data.capacity();
                    if (pool.size() < 4 && data.capacity() == segmentBytes && data.isDirect()) {
                        pool.add(data); // not a spilled segment's copy
                    }
                }
            }
        }
    }

    /** A point to replay from: copies of the state there (read only), and the evt.num of the event before it. */
    private record Start(ThreadTable threads, StateTracker tracker, Users users, long numBefore) {}

    /** A segment handed to the writer, with the state at its first event. */
    private record Spill(Segment segment, int end, int events, long minTs, long maxTs, Start start) {}

    /** A segment file of the disk tier, as its name describes it. */
    record DiskFile(Path path, long minTs, long maxTs, long firstNum, long events, long bytes) {
        static String name(long minTs, long maxTs, long firstNum, long events, boolean gzip) {
            return FILE_PREFIX + minTs + "-" + maxTs + "-" + firstNum + "-" + events + (gzip ? ".scap.gz" : ".scap");
        }

        /** The file {@code p} describes, or null when its name is not a segment's. */
        static DiskFile parse(Path p, long bytes) {
            Matcher m = FILE_NAME.matcher(p.getFileName().toString());
            if (!m.matches()) {
                return null;
            }
            try {
                return new DiskFile(
                        p,
                        Long.parseLong(m.group(1)),
                        Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)),
                        bytes);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        boolean overlaps(long from, long to) {
            return maxTs >= from && minTs <= to;
        }
    }

    private Segment evicting; // the segment the base tracker is consuming (capture thread)

    private ThreadInfo loadFromEvicted(long tid, ThreadTable table) {
        Segment s = evicting;
        ThreadInfo t = s == null ? null : s.loaded.get(tid);
        return t == null ? null : copyLoaded(t);
    }

    /** A fresh copy of a recorded thread for one replaying table. */
    private static ThreadInfo copyLoaded(ThreadInfo t) {
        return t.copyWithFds();
    }

    /**
     * Capture thread: the live table filled {@code t} from /proc for the event just appended; a copy is kept for
     * the replays of the segment.
     */
    public void threadLoaded(ThreadInfo t) {
        Segment s = open;
        if (s == null) {
            s = newSegment();
        }
        s.loaded.put(t.tid(), copyLoaded(t));
    }

    /** Capture thread: keeps {@code e} (read from {@code batch} with its cpu). */
    @SuppressWarnings("NonAtomicVolatileUpdate") // one writer (the capture thread); readers only read
    public void append(Event e) {
        int len = e.length() + 2;
        long ts = e.ts();
        Segment s = open;
        // A segment ends when full, or when it spans an eighth of the retention (so time-based eviction is fine
        // grained on a quiet host too).
        if (s == null
                || s.committed + len > s.data.capacity()
                || (s.events > 0 && ts - s.minTs > retention.nanos() / 8)) {
            s = newSegment();
        }
        int at = s.committed;
        ByteBuffer d = s.data;
        d.putShort(at, (short) e.cpu());
        ByteBuffer src = e.buffer();
        int from = e.offset();
        d.put(at + 2, src, from, e.length());
        if (ts > 0) { // metadata events (container descriptions) have no time: they do not date a segment
            if (ts < s.minTs) {
                s.minTs = ts;
            }
            if (ts > s.maxTs) {
                s.maxTs = ts;
            }
        }
        s.events++;
        s.committed = at + len;
        if (e.typeCode() == DropNotices.NOTIFICATION_E && DropNotices.isNotice(e)) {
            keepNotice(e);
        }
        if (ts - oldestSealedMaxTs > retention.nanos()) {
            evict();
        }
    }

    /** Under the lock, after the segment list changed. */
    private void updateOldest() {
        Segment first = segments.peekFirst();
        // a segment of undated events only (it filled up with metadata) is as old as can be
        oldestSealedMaxTs = first == null || first == open ? Long.MAX_VALUE : Math.max(0, first.maxTs);
    }

    private Segment newSegment() {
        ByteBuffer buf;
        synchronized (this) {
            // segments waiting for the disk writer are not the memory history's: they do not count in its budget
            while (heldBytes - pendingBytes + segmentBytes > retention.bytes() && segments.size() > 1) {
                evictLocked(true);
            }
            buf = pool.poll();
            heldBytes += segmentBytes;
        }
        if (buf == null) {
            buf = ByteBuffer.allocateDirect(segmentBytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        Segment s = new Segment(buf);
        synchronized (this) {
            segments.addLast(s);
            open = s;
            updateOldest();
        }
        return s;
    }

    private synchronized void evict() {
        evictLocked(true);
    }

    /**
     * Moves the base state over the oldest segment and lets it go (to the disk writer first, with a copy of the
     * base state at its first event, when there is a disk tier).
     */
    private void evictLocked(boolean bounded) {
        Segment s = segments.peekFirst();
        if (s == null || s == open) {
            return;
        }
        segments.removeFirst();
        if (disk != null && s.events > 0) {
            spillLocked(s, bounded);
        }
        evicting = s;
        ByteBuffer d = s.data;
        int end = s.committed;
        long numbered = 0;
        for (int at = 0; at < end; ) {
            scratch.wrap(d, at + 2, d.getShort(at) & 0xffff);
            base.onEvent(scratch);
            if (EventContext.isNumbered(scratch)) {
                numbered++;
            }
            at += 2 + scratch.length();
        }
        evicting = null;
        baseNum += numbered;
        evictedEvents += s.events;
        updateOldest();
        s.release();
    }

    /** Hands {@code s} to the writer, or counts it as dropped when the writer is too far behind. */
    private void spillLocked(Segment s, boolean bounded) {
        newestTs = Math.max(newestTs, s.maxTs);
        int used = s.committed;
        boolean copy = used <= s.data.capacity() / 2;
        if (bounded && pendingBytes + (copy ? used : s.data.capacity()) > maxPendingBytes) {
            droppedSegments++;
            droppedEvents += s.events;
            lostLocked(s.events, s.minTs, s.maxTs);
            return;
        }
        ThreadTable threads = baseThreads.copy(null);
        Start start = new Start(threads, base.copy(threads), users.copy(), baseNum);
        Segment spilled = s;
        if (copy) { // a segment the age cut early: its events only, the buffer goes back to the pool
            spilled = new Segment(ByteBuffer.allocate(used).order(ByteOrder.LITTLE_ENDIAN));
            spilled.data.put(0, s.data, 0, used);
            spilled.committed = used;
            spilled.events = s.events;
            spilled.minTs = s.minTs;
            spilled.maxTs = s.maxTs;
            spilled.loaded.putAll(s.loaded);
            heldBytes += used;
        } else {
            s.refs.incrementAndGet();
        }
        long minTs = s.minTs == Long.MAX_VALUE ? 0 : s.minTs; // undated events only: as old as can be
        long maxTs = Math.max(0, s.maxTs);
        pending.addLast(new Spill(spilled, used, s.events, minTs, maxTs, start));
        pendingBytes += spilled.data.capacity();
        notifyAll();
    }

    /** Under the lock: the disk tier lost {@code events} of times {@code minTs..maxTs}. */
    private void lostLocked(long events, long minTs, long maxTs) {
        lossEvents += events;
        lossFromTs = Math.min(lossFromTs, minTs);
        lossToTs = Math.max(lossToTs, Math.max(minTs, maxTs));
    }

    /** What the disk tier lost since the last call (the capture thread's drop notices say it in the stream). */
    public synchronized DropNotices.HistoryLoss takeDiskLoss() {
        if (lossEvents == 0) {
            return DropNotices.HistoryLoss.NONE;
        }
        DropNotices.HistoryLoss l = new DropNotices.HistoryLoss(lossEvents, lossFromTs, lossToTs);
        lossEvents = 0;
        lossFromTs = Long.MAX_VALUE;
        lossToTs = Long.MIN_VALUE;
        return l;
    }

    /** Capture thread: {@code e}, just appended, is a drop notice; a scan that does not read that far still learns it. */
    private synchronized void keepNotice(Event e) {
        if (notices.size() >= KEPT_NOTICES) {
            notices.removeFirst();
        }
        notices.addLast(new KeptNotice(
                e.ts(), e.paramAsString(1), DropNotices.since(e), DropNotices.until(e), DropNotices.lostBy(e)));
    }

    /** Events the recorder holds in memory now. */
    public synchronized long events() {
        long n = 0;
        for (Segment s : segments) {
            n += s.events;
        }
        return n;
    }

    /** Bytes of memory the recorder holds (retained segments and those a replay or the disk writer still reads). */
    public synchronized long heldBytes() {
        return heldBytes;
    }

    /** Events that fell out of the memory retention since the recording started (to disk, if there is one). */
    public synchronized long evictedEvents() {
        return evictedEvents;
    }

    /** Time of the oldest event held in memory, or -1. */
    public synchronized long oldestTs() {
        Segment s = segments.peekFirst();
        return s == null || s.events == 0 ? -1 : s.minTs;
    }

    public Retention retention() {
        return retention;
    }

    /** The disk tier, or null. */
    public DiskHistory diskHistory() {
        return disk;
    }

    /** The disk tier's counters (all 0, oldest -1, without one). */
    public synchronized DiskStats diskStats() {
        if (disk == null) {
            return DiskStats.NONE;
        }
        DiskFile first = files.peekFirst();
        return new DiskStats(
                files.size(),
                diskBytes,
                diskEvents,
                first == null ? -1 : first.minTs(),
                pending.size(),
                droppedSegments,
                droppedEvents,
                deletedSegments,
                filesRead.get(),
                lastError);
    }

    /** The segment files on disk now, oldest first. */
    synchronized List<DiskFile> diskFiles() {
        return List.copyOf(files);
    }

    /** A scan of the history as it is now (later events are not included): the disk segments, then memory. */
    public BatchCursor replay(ScanRequest request, BufferAllocator allocator) {
        Walk walk;
        List<KeptNotice> kept;
        synchronized (this) {
            walk = plan(request.fromTs(), request.toTs());
            // a notice of what was lost before the oldest event kept is no longer the history's
            DiskFile firstFile = files.peekFirst();
            Segment firstSegment = segments.peekFirst();
            long oldest = firstFile != null
                    ? firstFile.minTs()
                    : firstSegment != null && firstSegment.events > 0 ? firstSegment.minTs : Long.MAX_VALUE;
            notices.removeIf(n -> n.until() < oldest);
            kept = List.copyOf(notices);
        }
        return new Replay(walk, request, allocator, kept);
    }

    /**
     * Writes the history's events in {@code fromTs..toTs} (ns since the epoch, both included) as one sysdig capture
     * file: its initial state is the state at the first event from {@code fromTs} on (replayed from the disk
     * segment's own initial state or the memory history's base), then the events. Events sysdig 0.29.3 does not
     * know are written as its generic event, so that {@code sysdig -r} reads the file whole.
     *
     * @param out where the file goes; it is closed
     * @return the events written
     * @throws CaptureException ({@code IO}) if writing fails, or a recorded segment cannot be read
     */
    public long dump(long fromTs, long toTs, OutputStream out, boolean gzip) throws CaptureException {
        if (fromTs > toTs) {
            throw new IllegalArgumentException("the time range starts after it ends (" + fromTs + " > " + toTs + ")");
        }
        Walk walk;
        synchronized (this) {
            walk = plan(fromTs, toTs);
        }
        ScapFileWriter.Options options = ScapFileWriter.Options.defaults().withGzip(gzip);
        ScapFileWriter w = null;
        long n = 0;
        try (walk) {
            while (walk.next()) {
                Event e = walk.event;
                long ts = e.ts();
                if (w == null && ts >= fromTs) {
                    w = ScapFileWriter.open("dump", out, stateOf(walk.context), options);
                }
                walk.context.advance(e);
                if (w != null && ts >= fromTs && ts <= toTs) {
                    w.write(e);
                    n++;
                }
            }
            if (w == null) {
                w = ScapFileWriter.open("dump", out, stateOf(walk.context), options);
            }
            w.close();
            return n;
        } catch (CaptureException | RuntimeException e) {
            if (w != null) {
                try {
                    w.close();
                } catch (CaptureException ignored) {
                    // the first error is the one reported
                }
            } else {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the first error is the one reported
                }
            }
            throw e;
        }
    }

    /** As {@link #dump(long, long, OutputStream, boolean)} into {@code file} (replaced; removed if it fails). */
    public long dump(long fromTs, long toTs, Path file, boolean gzip) throws CaptureException {
        OutputStream out;
        try {
            out = Files.newOutputStream(file);
        } catch (IOException | SecurityException e) {
            throw new CaptureException(CaptureException.Reason.IO, "cannot create " + file + ": " + e.getMessage(), e);
        }
        try {
            return dump(fromTs, toTs, out, gzip);
        } catch (CaptureException | RuntimeException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the first error is the one reported
            }
            throw e;
        }
    }

    /** The initial state of a dump: the context's threads and users (none before any event), this host. */
    private InitialState stateOf(EventContext c) {
        Host h = host != null ? host : Host.live();
        List<UserInfo> us = new ArrayList<>();
        List<GroupInfo> gs = new ArrayList<>();
        if (c != null && c.users() != null) {
            InitialStateSnapshot.usersOf(c.users(), us, gs);
        }
        List<ThreadInfo> threads =
                c == null ? List.of() : List.copyOf(c.tracker().threads().all());
        return InitialStateSnapshot.of(threads, h.machine(), h.interfaces(), us, gs);
    }

    /** The memory history's base (copied under the lock when a scan starts there). */
    private static final Start BASE = new Start(null, null, null, 0);

    /**
     * Under the lock: what a scan of {@code from..to} reads — the disk files that overlap it, then the pending and
     * memory segments from the last point with a known state before the first that overlaps it, up to the first
     * that starts after it; each memory segment held for the scan.
     */
    private Walk plan(long from, long to) {
        List<DiskFile> fs = new ArrayList<>();
        for (DiskFile f : files) {
            if (f.overlaps(from, to)) {
                fs.add(f);
            }
        }
        List<Segment> seq = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        List<Start> starts = new ArrayList<>();
        for (Spill s : pending) {
            seq.add(s.segment());
            ends.add(s.end());
            starts.add(s.start());
        }
        boolean first = true;
        for (Segment s : segments) {
            seq.add(s);
            ends.add(s.committed);
            starts.add(first ? BASE : null);
            first = false;
        }
        int stop = seq.size();
        int overlap = -1;
        for (int i = 0; i < seq.size(); i++) {
            Segment s = seq.get(i);
            if (s.events == 0 || (s.minTs > to && s.minTs != Long.MAX_VALUE)) {
                stop = i;
                break;
            }
            if (overlap < 0 && s.maxTs >= from) {
                overlap = i;
            }
        }
        int begin = stop;
        if (overlap >= 0 && overlap < stop) {
            begin = overlap;
            while (starts.get(begin) == null) {
                begin--;
            }
        }
        List<Segment> mem = new ArrayList<>(seq.subList(begin, stop));
        int[] memEnds = new int[mem.size()];
        for (int i = 0; i < mem.size(); i++) {
            mem.get(i).refs.incrementAndGet();
            memEnds[i] = ends.get(begin + i);
        }
        Walk w = new Walk(fs, mem, memEnds);
        if (!mem.isEmpty()) {
            Start st = starts.get(begin);
            ThreadTable threads;
            StateTracker tracker;
            Users u;
            long num;
            if (st.threads() == null) { // the base
                threads = baseThreads.copy(w::loadRecorded);
                tracker = base.copy(threads);
                u = users.copy();
                num = baseNum;
            } else {
                threads = st.threads().copy(w::loadRecorded);
                tracker = st.tracker().copy(threads);
                u = st.users().copy();
                num = st.numBefore();
            }
            w.memContext = new EventContext(tracker, u, num).bufferPrintLength(bufferPrintLength);
        }
        return w;
    }

    /**
     * The recorded events of one scan, in order, with the state each is to be seen in: {@link #next} moves to an
     * event (and sets {@link #context} to the state before it; the caller advances it). Disk files first, each
     * seeded from its initial state unless it follows the previous one (then the state goes on, threads it has
     * and the state lacks taken from its initial state), then the memory segments from a copied state.
     */
    private final class Walk implements AutoCloseable {
        final List<DiskFile> files;
        final List<Segment> mem;
        final int[] ends;
        final Event event = new Event();
        EventContext memContext;
        EventContext context;
        private int file;
        private ScapFileSource source;
        private EventBatch batch;
        private InitialState fileState;
        private ThreadTable fileThreads;
        private boolean inMemory;
        private int seg;
        private int at;
        private boolean done;

        Walk(List<DiskFile> files, List<Segment> mem, int[] ends) {
            this.files = files;
            this.mem = mem;
            this.ends = ends;
        }

        /** Moves to the next event; false at the end. */
        boolean next() throws CaptureException {
            while (!done) {
                if (!inMemory) {
                    if (source != null) {
                        if (batch.next(event)) {
                            return true;
                        }
                        if (!source.fill(batch, 0)) {
                            closeSource();
                        }
                        continue;
                    }
                    if (file < files.size()) {
                        open(files.get(file++));
                        continue;
                    }
                    inMemory = true;
                    if (memContext != null) {
                        context = memContext;
                    }
                    continue;
                }
                if (seg >= mem.size()) {
                    done = true;
                    break;
                }
                if (at < ends[seg]) {
                    ByteBuffer d = mem.get(seg).data;
                    event.wrap(d, at + 2, d.getShort(at) & 0xffff);
                    at += 2 + event.length();
                    return true;
                }
                mem.get(seg).release();
                mem.set(seg, null);
                seg++;
                at = 0;
            }
            return false;
        }

        private void open(DiskFile f) throws CaptureException {
            ScapFileSource s;
            try {
                s = ScapFileSource.open(f.path());
            } catch (CaptureException e) {
                if (Files.notExists(f.path())) {
                    return; // deleted by the retention since the scan started: a gap
                }
                throw e;
            }
            filesRead.incrementAndGet();
            if (batch == null) {
                batch = new EventBatch();
            }
            batch.clear();
            source = s;
            fileState = s.initialState();
            fileThreads = null;
            if (context != null && f.firstNum() == context.num() + 1) {
                return; // it follows the previous file: the state goes on
            }
            ThreadTable t = new ThreadTable(this::loadFromFile);
            Users u = new Users();
            CaptureFileState.seed(fileState, t, u);
            context = new EventContext(new StateTracker(t), u, f.firstNum() - 1).bufferPrintLength(bufferPrintLength);
        }

        /** A thread the going-on state lacks: as the current file's initial state has it (loaded from /proc then). */
        private ThreadInfo loadFromFile(long tid, ThreadTable table) {
            if (inMemory || fileState == null) {
                return null;
            }
            if (fileThreads == null) {
                fileThreads = new ThreadTable(null);
                CaptureFileState.seed(fileState, fileThreads, new Users());
            }
            ThreadInfo t = fileThreads.get(tid);
            return t == null ? null : t.copyWithFds();
        }

        ThreadInfo loadRecorded(long tid, ThreadTable table) {
            if (inMemory && seg < mem.size()) {
                Segment s = mem.get(seg);
                ThreadInfo t = s == null ? null : s.loaded.get(tid);
                if (t != null) {
                    return copyLoaded(t);
                }
            }
            return null;
        }

        private void closeSource() {
            if (source != null) {
                source.close();
                source = null;
            }
        }

        boolean ended() {
            return done;
        }

        @Override
        public void close() {
            done = true;
            closeSource();
            for (int i = seg; i < mem.size(); i++) {
                if (mem.get(i) != null) {
                    mem.get(i).release();
                    mem.set(i, null);
                }
            }
            if (batch != null) {
                batch.close();
                batch = null;
            }
        }
    }

    /** Replays a walk into columnar batches on the consumer's thread. */
    private static final class Replay implements BatchCursor {
        private final Walk walk;
        private final ScanRequest request;
        private final EventColumns columns;
        private final BufferAllocator allocator;
        private boolean closed;
        private boolean ended;
        private CaptureException failure;
        private long lastTs = Long.MIN_VALUE;
        private final DropNotices.LostEvents lost = new DropNotices.LostEvents();
        private final List<KeptNotice> kept;

        Replay(Walk walk, ScanRequest request, BufferAllocator allocator, List<KeptNotice> kept) {
            this.kept = kept;
            this.walk = walk;
            this.request = request;
            this.allocator = allocator;
            this.columns = new EventColumns(allocator, request.fields(), request.rowsPerBatch());
        }

        @Override
        public EventColumns next(long timeoutMillis) throws CaptureException {
            if (closed || ended) {
                return null;
            }
            columns.clear();
            if (failure != null) {
                ended = true;
                throw failure;
            }
            try {
                while (!columns.isFull()) {
                    if (!walk.next()) {
                        ended = true;
                        break;
                    }
                    Event e = walk.event;
                    EventContext c = walk.context;
                    lastTs = e.ts();
                    c.advance(e);
                    if (e.typeCode() == DropNotices.NOTIFICATION_E) {
                        lost.addIfIn(e, request.fromTs(), request.toTs());
                    }
                    if (c.isRow()
                            && request.inTimeRange(lastTs)
                            && request.predicate().test(c)) {
                        columns.append(c);
                    }
                }
            } catch (CaptureException e) {
                if (columns.rowCount() == 0) {
                    ended = true;
                    throw e;
                }
                failure = e; // the rows before it go out first
            }
            return columns.rowCount() > 0 ? columns : null;
        }

        @Override
        public boolean ended() {
            return closed || ended;
        }

        @Override
        public long watermark() {
            return ended() ? Long.MAX_VALUE : lastTs;
        }

        /** The notices the walk read, and those the recorder kept that it did not reach (the same notice counts once). */
        @Override
        public String warning() {
            for (KeptNotice n : kept) {
                lost.add(n.ts(), n.desc(), n.since(), n.until(), n.lost(), request.fromTs(), request.toTs());
            }
            return lost.warning();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            walk.close();
            columns.close();
            allocator.close();
        }
    }

    // ---- the disk tier

    /** Deletes left-over temporary files and adopts the segment files of the directory, oldest first. */
    private void adopt() throws CaptureException {
        Path dir = disk.dir();
        List<DiskFile> found = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, FILE_PREFIX + "*")) {
                for (Path p : ds) {
                    if (p.getFileName().toString().endsWith(".tmp")) {
                        store.delete(p);
                        continue;
                    }
                    DiskFile f = DiskFile.parse(p, Files.size(p));
                    if (f != null) {
                        found.add(f);
                    }
                }
            }
        } catch (IOException | SecurityException e) {
            throw new CaptureException(CaptureException.Reason.IO, "history directory " + dir + ": " + describe(e), e);
        }
        found.sort(Comparator.comparingLong(DiskFile::minTs).thenComparingLong(DiskFile::firstNum));
        List<Path> doomed;
        synchronized (this) {
            for (DiskFile f : found) {
                files.addLast(f);
                diskBytes += f.bytes();
                diskEvents += f.events();
                newestTs = Math.max(newestTs, f.maxTs());
            }
            doomed = retainLocked();
        }
        deleteQuietly(doomed);
    }

    /** The writer thread: writes each pending segment, oldest first, until closed and drained. */
    private void writeLoop() {
        while (true) {
            Spill s;
            synchronized (this) {
                while (pending.isEmpty() && !closing) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (pending.isEmpty()) {
                    return;
                }
                s = pending.peekFirst();
            }
            DiskFile written = null;
            String error = null;
            try {
                written = write(s);
            } catch (CaptureException | IOException | RuntimeException first) {
                deleteOldest(); // make room (ENOSPC) and try once more
                try {
                    written = write(s);
                } catch (CaptureException | IOException | RuntimeException again) {
                    error = describe(again);
                }
            }
            List<Path> doomed;
            synchronized (this) {
                pending.removeFirst();
                pendingBytes -= s.segment().data.capacity();
                if (written != null) {
                    files.addLast(written);
                    diskBytes += written.bytes();
                    diskEvents += written.events();
                } else {
                    droppedSegments++;
                    droppedEvents += s.events();
                    lostLocked(s.events(), s.minTs(), s.maxTs());
                    lastError = error;
                }
                doomed = retainLocked();
            }
            s.segment().release();
            deleteQuietly(doomed);
        }
    }

    /** Writes one segment as {@code NAME.tmp}, then renames it; the temporary file is removed if that fails. */
    private DiskFile write(Spill s) throws CaptureException, IOException {
        long firstNum = s.start().numBefore() + 1;
        String name = DiskFile.name(s.minTs(), s.maxTs(), firstNum, s.events(), disk.compress());
        Path file = disk.dir().resolve(name);
        Path tmp = disk.dir().resolve(name + ".tmp");
        try {
            ScapFileWriter.Options options = new ScapFileWriter.Options(false, disk.compress());
            try (ScapFileWriter w = ScapFileWriter.open(name, store.create(tmp), spillState(s), options)) {
                ByteBuffer d = s.segment().data;
                Event e = writerEvent;
                for (int at = 0; at < s.end(); ) {
                    e.wrap(d, at + 2, d.getShort(at) & 0xffff);
                    w.write(e);
                    at += 2 + e.length();
                }
            }
            store.move(tmp, file);
            return new DiskFile(file, s.minTs(), s.maxTs(), firstNum, s.events(), store.size(file));
        } catch (CaptureException | IOException | RuntimeException e) {
            deleteQuietly(List.of(tmp));
            throw e;
        }
    }

    /**
     * A segment file's initial state: the base state at its first event, with the threads first loaded from /proc
     * within it (a reader finds them there), descriptors of types sysdig 0.29.3 lacks written as it knows them (it
     * refuses a file with others). Events are written as they are: sysql reads every one; sysdig skips those it
     * does not know.
     */
    private InitialState spillState(Spill s) {
        ThreadTable threads = s.start().threads();
        List<ThreadInfo> all = new ArrayList<>(threads.all());
        for (ThreadInfo t : s.segment().loaded.values()) {
            if (threads.get(t.tid()) == null) {
                all.add(t);
            }
        }
        List<UserInfo> us = new ArrayList<>();
        List<GroupInfo> gs = new ArrayList<>();
        InitialStateSnapshot.usersOf(s.start().users(), us, gs);
        InitialState st = InitialStateSnapshot.of(all, host.machine(), host.interfaces(), us, gs);
        List<ScapFdInfo> fds = new ArrayList<>(st.fds().size());
        for (ScapFdInfo f : st.fds()) {
            fds.add(ScapFileWriter.forSysdig(f));
        }
        return new InitialState(
                st.section(), st.machine(), st.processes(), fds, st.interfaces(), st.users(), st.groups());
    }

    /** Under the lock: drops the oldest files beyond the disk bounds; returns them, for deletion. */
    private List<Path> retainLocked() {
        List<Path> doomed = new ArrayList<>();
        Segment o = open;
        long newest = o != null && o.events > 0 ? Math.max(newestTs, o.maxTs) : newestTs;
        while (!files.isEmpty()) {
            DiskFile f = files.peekFirst();
            boolean tooOld = newest != Long.MIN_VALUE && f.maxTs() < newest - disk.maxAgeNanos();
            if (diskBytes <= disk.maxBytes() && !tooOld) {
                break;
            }
            files.removeFirst();
            diskBytes -= f.bytes();
            diskEvents -= f.events();
            deletedSegments++;
            doomed.add(f.path());
        }
        return doomed;
    }

    /** Deletes the oldest file (to make room for a write that failed). */
    private void deleteOldest() {
        DiskFile f;
        synchronized (this) {
            f = files.pollFirst();
            if (f == null) {
                return;
            }
            diskBytes -= f.bytes();
            diskEvents -= f.events();
            deletedSegments++;
        }
        deleteQuietly(List.of(f.path()));
    }

    private void deleteQuietly(List<Path> paths) {
        for (Path p : paths) {
            try {
                store.delete(p);
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    lastError = "cannot delete " + p + ": " + describe(e);
                }
            }
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m != null && !m.isBlank() ? m : e.getClass().getSimpleName();
    }

    /**
     * Ends the recording: with a disk tier, every memory segment is handed to the writer and written (so a recorder
     * started later on the same directory replays them), waiting up to a minute. Nothing may be appended after.
     */
    @Override
    public void close() {
        Thread w;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            if (disk != null) {
                open = null;
                while (!segments.isEmpty()) {
                    evictLocked(false);
                }
                updateOldest();
            }
            notifyAll();
            w = writer;
        }
        if (w != null && w.isAlive()) {
            try {
                w.join(CLOSE_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
