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
 * partial ones) are handed to the consumer through a small queue. The capture thread never waits for a
 * consumer: when every batch is still with a slow consumer, rows are dropped and counted
 * ({@link #droppedRows()}).
 */
public final class Subscription implements BatchCursor {
    /** Batches a subscription owns: one being filled, the others queued or with the consumer. */
    static final int BATCHES = 4;
    /** A batch is handed over once its rows take this much memory, whatever its row count. */
    static final long BATCH_BYTES = 8L << 20;

    private final CaptureHub hub;
    private final ScanRequest request;
    private final BufferAllocator allocator;
    private final ArrayBlockingQueue<EventColumns> full = new ArrayBlockingQueue<>(BATCHES);
    private final ArrayBlockingQueue<EventColumns> free = new ArrayBlockingQueue<>(BATCHES);
    private final EventColumns[] owned = new EventColumns[BATCHES];
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final long id;
    private EventColumns filling;      // capture thread only
    private EventColumns withConsumer; // consumer thread only
    private volatile boolean closed;
    private volatile CaptureException failure;
    private volatile long watermark = Long.MIN_VALUE;

    Subscription(CaptureHub hub, long id, ScanRequest request, BufferAllocator allocator) {
        this.hub = hub;
        this.id = id;
        this.request = request;
        this.allocator = allocator;
        for (int i = 0; i < BATCHES; i++) {
            owned[i] = new EventColumns(allocator, request.fields(), request.rowsPerBatch());
            free.add(owned[i]);
        }
    }

    public long id() {
        return id;
    }

    public ScanRequest request() {
        return request;
    }

    /** Capture thread: the current event, with the live state. */
    void offer(EventContext c) {
        if (!request.predicate().test(c)) {
            return;
        }
        if (filling == null) {
            filling = free.poll();
            if (filling == null) {
                dropped.incrementAndGet();
                return;
            }
        }
        filling.append(c);
        if (filling.isFull() || ((filling.rowCount() & 63) == 0 && filling.bufferBytes() >= BATCH_BYTES)) {
            flush();
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
            fail(new CaptureException(CaptureException.Reason.UNKNOWN,
                    "the query failed on event " + c.num() + " (" + c.event().typeName() + "): " + e, e));
            hub.unsubscribe(this);
        }
    }

    /** Ends the subscription with {@code cause} (null: the capture was closed); the consumer sees it next. */
    void fail(CaptureException cause) {
        failure = cause != null ? cause
                : new CaptureException(CaptureException.Reason.STATE, "the live capture was closed");
        closed = true;
    }

    /** Capture thread: hands the partly filled batch over (after each native batch, so rows flow promptly). */
    void flush() {
        if (filling != null && filling.rowCount() > 0) {
            delivered.addAndGet(filling.rowCount());
            full.add(filling); // never full: a subscription owns BATCHES batches in all
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
        try {
            withConsumer = full.poll(Math.max(0, timeoutMillis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return withConsumer;
    }

    @Override
    public boolean ended() {
        return closed;
    }

    /** Capture thread, after {@link #flush}: every event still to come is at least {@code w} old. */
    void watermark(long w) {
        if (w > watermark) {
            watermark = w;
        }
    }

    /**
     * The capture's watermark as of the last batch handed over: read it before draining the batches (a batch
     * handed over before the watermark was set is then already visible).
     */
    @Override
    public long watermark() {
        return watermark;
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

    /** Capture thread, once the hub has let go of it: frees the batches. */
    void release() {
        for (EventColumns b : owned) {
            b.close();
        }
        allocator.close();
    }
}
