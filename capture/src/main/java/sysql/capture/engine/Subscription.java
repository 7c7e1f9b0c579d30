// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import sysql.capture.CaptureException;
import sysql.capture.columnar.EventColumns;
import sysql.capture.fields.EventContext;

/**
 * One consumer of the live stream. The hub's capture thread offers it every event (with the live state); the
 * rows its predicate keeps are appended to a columnar batch, and full batches (or, after each native batch,
 * partial ones) are handed to the consumer through a queue. While the consumer still has a batch queued, a
 * round's partial batch is kept and filled on (it would only wait in the queue), so a consumer that is behind
 * gets full batches rather than one per round. The capture thread never waits for a consumer: when every
 * batch is still with a slow consumer, rows are dropped and counted ({@link #droppedRows()}).
 *
 * <p>Memory: a batch is allocated at its full row capacity ({@link EventColumns} preallocates every vector for
 * {@code rowsPerBatch} rows; strings grow as needed) and is handed over once full or once its rows take
 * {@link #BATCH_BYTES}, checked every 64 rows. A subscription starts with {@link #INITIAL_BATCHES} and allocates
 * another only when none is free, up to {@link #MAX_BATCHES}; batches are kept (and reused) until it ends. So one
 * subscription holds at most {@code MAX_BATCHES} batches of at most {@code BATCH_BYTES} of rows (plus up to 63
 * rows past it): 64 MiB of rows, up to ~2x that allocated (Arrow rounds a buffer up to a power of two when it
 * grows), 20 subscriptions at most ~1.3 GiB of rows. A narrow query's batch is far smaller: the streaming
 * GROUP BY's ({@code evt.time, proc.name, evt.type}, 4096 rows) takes 0.13 MiB, 64 of them 8.2 MiB.
 */
public final class Subscription implements BatchCursor {
    /** Batches a subscription allocates up front: one being filled, one with the consumer. */
    static final int INITIAL_BATCHES = 2;
    /** Batches a subscription owns at most: one being filled, the others queued or with the consumer. */
    static final int MAX_BATCHES = 64;
    /** A batch is handed over once its rows take this much memory, whatever its row count. */
    static final long BATCH_BYTES = 1L << 20;

    private final CaptureHub hub;
    private final ScanRequest request;
    private final BufferAllocator allocator;
    /** A batch handed to the consumer, with the watermark that holds once it has been read. */
    private record Handoff(EventColumns batch, long watermark) {}

    private final ArrayBlockingQueue<Handoff> full = new ArrayBlockingQueue<>(MAX_BATCHES);
    private final ArrayBlockingQueue<EventColumns> free = new ArrayBlockingQueue<>(MAX_BATCHES);
    /** Every batch allocated so far; the capture thread appends (in {@link #offer}), {@link #release} closes. */
    private final EventColumns[] owned = new EventColumns[MAX_BATCHES];

    private int ownedCount;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final long id;
    private EventColumns filling; // capture thread only
    private EventColumns withConsumer; // consumer thread only
    private volatile boolean closed;
    private volatile CaptureException failure;
    /** The watermark published after the last round of the capture thread. */
    private volatile long watermark = Long.MIN_VALUE;
    /** Capture thread: the watermark of the round before the current one (rows still to come are at least this old). */
    private long roundStart = Long.MIN_VALUE;
    /** Consumer thread: what holds after the batches returned so far. */
    private long consumed = Long.MIN_VALUE;

    Subscription(CaptureHub hub, long id, ScanRequest request, BufferAllocator allocator) {
        this.hub = hub;
        this.id = id;
        this.request = request;
        this.allocator = allocator;
        for (int i = 0; i < INITIAL_BATCHES; i++) {
            free.add(allocate());
        }
    }

    private EventColumns allocate() {
        EventColumns b = new EventColumns(allocator, request.fields(), request.rowsPerBatch());
        owned[ownedCount++] = b;
        return b;
    }

    /** Batches allocated so far (at most {@link #MAX_BATCHES}). */
    int batchesAllocated() {
        return ownedCount;
    }

    public long id() {
        return id;
    }

    public ScanRequest request() {
        return request;
    }

    /** Capture thread: the current event, with the live state. */
    void offer(EventContext c) {
        if (!c.isRow() || !request.predicate().test(c)) {
            return;
        }
        if (filling == null) {
            filling = free.poll();
            if (filling == null && ownedCount < MAX_BATCHES) {
                filling = allocate(); // every batch is queued or with the consumer: one more, up to the maximum
            }
            if (filling == null) {
                dropped.incrementAndGet();
                return;
            }
        }
        filling.append(c);
        if (filling.isFull() || ((filling.rowCount() & 63) == 0 && filling.bufferBytes() >= BATCH_BYTES)) {
            handOver(roundStart); // rows later in this round are as old as the last round's watermark, not newer
        }
    }

    /** Capture thread: {@link #offer}, ending the subscription (not the capture) if the query's code fails. */
    void offerSafely(EventContext c) {
        if (closed) {
            return;
        }
        try {
            offer(c);
        } catch (RuntimeException e) {
            fail(new CaptureException(
                    CaptureException.Reason.UNKNOWN,
                    "the query failed on event " + c.num() + " (" + c.event().typeName() + "): " + e,
                    e));
            hub.unsubscribe(this);
        }
    }

    /** Ends the subscription with {@code cause} (null: the capture was closed); the consumer sees it next. */
    void fail(CaptureException cause) {
        failure = cause != null
                ? cause
                : new CaptureException(CaptureException.Reason.STATE, "the live capture was closed");
        closed = true;
    }

    /**
     * Capture thread, at the end of a round (one native batch): hands the partly filled batch over, so rows flow
     * promptly, and publishes the round's watermark {@code w}: every event still to come is at least {@code w}
     * old. While the consumer still has a batch queued, the partial batch is kept instead and filled on (the
     * consumer would not get to it sooner; handing it over would only take a batch from the free list), and no
     * watermark is published: the rows kept may be older than {@code w}, so the published watermark stays the
     * one that held when the last rows were handed over (the rows kept came after it: none is older). The
     * batch goes with a watermark of {@code w} or later once it is full, or at the end of the first round that
     * finds the queue empty.
     */
    void endRound(long w) {
        long mark = Math.max(w, roundStart);
        roundStart = mark; // rows of later rounds are at least this old, whether or not the partial batch goes now
        if (filling != null && filling.rowCount() > 0 && !full.isEmpty()) {
            return;
        }
        handOver(mark);
        watermark = mark;
    }

    private void handOver(long mark) {
        if (filling != null && filling.rowCount() > 0) {
            delivered.addAndGet(filling.rowCount());
            full.add(new Handoff(filling, mark)); // never full: a subscription owns MAX_BATCHES batches at most
            filling = null;
        }
    }

    @Override
    public EventColumns next(long timeoutMillis) throws CaptureException {
        if (withConsumer != null) {
            withConsumer.clear();
            free.add(withConsumer);
            withConsumer = null;
        }
        if (failure != null) {
            throw failure;
        }
        if (closed) {
            return null;
        }
        long published = watermark; // read before the queue: a batch handed over before it is then visible
        Handoff h = null;
        try {
            h = full.poll(Math.max(0, timeoutMillis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (h == null) {
            consumed = Math.max(consumed, published);
            return null;
        }
        consumed = Math.max(consumed, h.watermark());
        withConsumer = h.batch();
        return withConsumer;
    }

    @Override
    public boolean ended() {
        return closed;
    }

    /** What holds after the batches {@link #next} returned so far: every row still to come is at least this old. */
    @Override
    public long watermark() {
        return consumed;
    }

    @Override
    public long droppedRows() {
        return dropped.get();
    }

    /** Rows handed to the consumer so far. */
    public long deliveredRows() {
        return delivered.get();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Ends the subscription: the hub stops offering it events, narrows the kernel filter and frees its batches.
     * Called by the consumer (or once it no longer reads).
     */
    @Override
    public void close() {
        boolean wasOpen = !closed;
        closed = true;
        if (wasOpen || failure != null) {
            hub.unsubscribe(this);
        }
    }

    private boolean released;

    /** Once the capture thread has let go of it (or is gone): frees the batches. */
    synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        for (int i = 0; i < ownedCount; i++) {
            owned[i].close();
        }
        allocator.close();
    }
}
