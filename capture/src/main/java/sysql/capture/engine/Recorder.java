// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import sysql.capture.Event;
import sysql.capture.columnar.EventColumns;
import sysql.capture.fields.EventContext;
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
 */
public final class Recorder {
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

    static final int SEGMENT_BYTES = 4 << 20;

    private final Retention retention;
    private final Users users;
    private final ArrayDeque<Segment> segments = new ArrayDeque<>(); // guarded by this
    private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>(); // guarded by this
    private volatile Segment open; // capture thread writes; readers take its committed length
    private final ThreadTable baseThreads;
    private final StateTracker base;
    private final int bufferPrintLength;
    private final Event scratch = new Event();
    private volatile long oldestSealedMaxTs = Long.MAX_VALUE; // newest event of the oldest sealed segment
    private long baseEvents; // events consumed by the base tracker (evicted)
    private long heldBytes; // bytes of segments retained or still read by a replay
    private long evictedEvents;

    /** @param initial the state at the first event to be recorded (a copy is kept) */
    public Recorder(Retention retention, ThreadTable initial, Users users) {
        this(retention, initial, users, EventContext.DEFAULT_BUFFER_PRINT_LENGTH);
    }

    /**
     * @param initial the state at the first event to be recorded (a copy is kept)
     * @param bufferPrintLength the print length of buffer text in replays (the capture's snaplen)
     */
    public Recorder(Retention retention, ThreadTable initial, Users users, int bufferPrintLength) {
        this.bufferPrintLength = bufferPrintLength;
        this.retention = retention;
        this.users = users;
        this.baseThreads = initial.copy(this::loadFromEvicted);
        this.base = new StateTracker(baseThreads);
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
                    if (pool.size() < 4) {
                        pool.add(data);
                    }
                }
            }
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
        if (ts < s.minTs) {
            s.minTs = ts;
        }
        if (ts > s.maxTs) {
            s.maxTs = ts;
        }
        s.events++;
        s.committed = at + len;
        if (ts - oldestSealedMaxTs > retention.nanos()) {
            evict();
        }
    }

    /** Under the lock, after the segment list changed. */
    private void updateOldest() {
        Segment first = segments.peekFirst();
        oldestSealedMaxTs = first == null || first == open ? Long.MAX_VALUE : first.maxTs;
    }

    private Segment newSegment() {
        ByteBuffer buf;
        synchronized (this) {
            while (heldBytes + SEGMENT_BYTES > retention.bytes() && segments.size() > 1) {
                evictLocked();
            }
            buf = pool.poll();
            heldBytes += SEGMENT_BYTES;
        }
        if (buf == null) {
            buf = ByteBuffer.allocateDirect(SEGMENT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
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
        evictLocked();
    }

    /** Moves the base state over the oldest segment and lets it go. */
    private void evictLocked() {
        Segment s = segments.peekFirst();
        if (s == null || s == open) {
            return;
        }
        segments.removeFirst();
        evicting = s;
        ByteBuffer d = s.data;
        int end = s.committed;
        for (int at = 0; at < end; ) {
            scratch.wrap(d, at + 2, d.getShort(at) & 0xffff);
            base.onEvent(scratch);
            at += 2 + scratch.length();
        }
        evicting = null;
        baseEvents += s.events;
        evictedEvents += s.events;
        updateOldest();
        s.release();
    }

    /** Events the recorder holds now. */
    public synchronized long events() {
        long n = 0;
        for (Segment s : segments) {
            n += s.events;
        }
        return n;
    }

    /** Bytes of memory the recorder holds (retained segments and those a replay still reads). */
    public synchronized long heldBytes() {
        return heldBytes;
    }

    /** Events that fell out of the retention since the recording started. */
    public synchronized long evictedEvents() {
        return evictedEvents;
    }

    /** Time of the oldest event held, or -1. */
    public synchronized long oldestTs() {
        Segment s = segments.peekFirst();
        return s == null || s.events == 0 ? -1 : s.minTs;
    }

    public Retention retention() {
        return retention;
    }

    /** A scan of the history as it is now (later events are not included). */
    public BatchCursor replay(ScanRequest request, BufferAllocator allocator) {
        List<Segment> held = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        ThreadTable threads;
        StateTracker tracker;
        long eventsBefore;
        synchronized (this) {
            for (Segment s : segments) {
                s.refs.incrementAndGet();
                held.add(s);
                ends.add(s.committed);
            }
            Replay r = new Replay(held, ends, request, allocator);
            threads = baseThreads.copy(r::loadRecorded);
            tracker = base.copy(threads);
            eventsBefore = baseEvents;
            r.start(new EventContext(tracker, users, eventsBefore).bufferPrintLength(bufferPrintLength));
            return r;
        }
    }

    /** Replays held segments into columnar batches on the consumer's thread. */
    private static final class Replay implements BatchCursor {
        private final List<Segment> held;
        private final List<Integer> ends;
        private final ScanRequest request;
        private final EventColumns columns;
        private final BufferAllocator allocator;
        private final Event event = new Event();
        private EventContext context;
        private int segment;
        private int at;
        private boolean closed;
        private long lastTs = Long.MIN_VALUE;

        Replay(List<Segment> held, List<Integer> ends, ScanRequest request, BufferAllocator allocator) {
            this.held = held;
            this.ends = ends;
            this.request = request;
            this.allocator = allocator;
            this.columns = new EventColumns(allocator, request.fields(), request.rowsPerBatch());
        }

        void start(EventContext c) {
            this.context = c;
        }

        ThreadInfo loadRecorded(long tid, ThreadTable table) {
            if (segment < held.size()) {
                ThreadInfo t = held.get(segment).loaded.get(tid);
                if (t != null) {
                    return copyLoaded(t);
                }
            }
            return null;
        }

        @Override
        public EventColumns next(long timeoutMillis) {
            if (closed) {
                return null;
            }
            columns.clear();
            while (!columns.isFull() && segment < held.size()) {
                Segment s = held.get(segment);
                int end = ends.get(segment);
                ByteBuffer d = s.data;
                while (at < end && !columns.isFull()) {
                    event.wrap(d, at + 2, d.getShort(at) & 0xffff);
                    at += 2 + event.length();
                    lastTs = event.ts();
                    context.advance(event);
                    if (context.isRow() && request.predicate().test(context)) {
                        columns.append(context);
                    }
                }
                if (at >= end) {
                    s.release();
                    held.set(segment, null);
                    segment++;
                    at = 0;
                }
            }
            return columns.rowCount() > 0 ? columns : null;
        }

        @Override
        public boolean ended() {
            return closed || segment >= held.size();
        }

        @Override
        public long watermark() {
            return ended() ? Long.MAX_VALUE : lastTs;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = segment; i < held.size(); i++) {
                if (held.get(i) != null) {
                    held.get(i).release();
                }
            }
            columns.close();
            allocator.close();
        }
    }
}
