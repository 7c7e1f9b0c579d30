// SPDX-License-Identifier: Apache-2.0
package sysql.capture.columnar;

import java.util.List;
import java.util.function.Predicate;
import org.apache.arrow.memory.BufferAllocator;
import sysql.capture.CaptureException;
import sysql.capture.DropNotices;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.EventSource;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;

/**
 * Events of any {@link EventSource} as Arrow batches of the requested fields: every event goes through the
 * state tracker (state must see them all), those the filter keeps become rows.
 */
public final class ColumnarReader implements AutoCloseable {
    private final EventSource source;
    private final EventContext context;
    private final Predicate<EventContext> keep;
    private final EventBatch events;
    private final EventColumns columns;
    private final Event event = new Event();
    private boolean ended;
    private long lastEventTs = Long.MIN_VALUE;
    private final DropNotices.LostEvents lost = new DropNotices.LostEvents();
    /** A read error held back while the rows read before it go out; thrown by the next call. */
    private CaptureException failure;

    /** The warning of the {@link DropNotices} read so far (null for none). */
    public String warning() {
        return lost.warning();
    }

    public ColumnarReader(
            EventSource source,
            EventContext context,
            List<Field> fields,
            Predicate<EventContext> keep,
            BufferAllocator allocator,
            int rowsPerBatch) {
        this.source = source;
        this.context = context;
        this.keep = keep;
        this.events = new EventBatch();
        this.columns = new EventColumns(allocator, fields, rowsPerBatch);
    }

    /**
     * Fills the next columnar batch (up to its capacity), reading events for up to {@code timeoutMillis}.
     *
     * @return false at the end of the source with nothing left to return
     * @throws CaptureException when the source fails; the rows kept before the failure are returned first
     */
    public boolean next(long timeoutMillis) throws CaptureException {
        columns.clear();
        if (failure != null) {
            throw failure;
        }
        long deadline = System.currentTimeMillis() + Math.max(0, timeoutMillis);
        while (!columns.isFull()) {
            // An event is taken from the batch only while there is room for its row.
            while (!columns.isFull() && events.next(event)) {
                lastEventTs = event.ts();
                context.advance(event);
                if (event.typeCode() == DropNotices.NOTIFICATION_E) {
                    lost.addIfIn(event, Long.MIN_VALUE, Long.MAX_VALUE);
                }
                if (context.isRow() && keep.test(context)) {
                    columns.append(context);
                }
            }
            if (columns.isFull() || ended) {
                break;
            }
            boolean filled;
            try {
                filled = source.fill(events, Math.max(0, deadline - System.currentTimeMillis()));
            } catch (CaptureException e) {
                if (columns.rowCount() == 0) {
                    throw e;
                }
                failure = e;
                return true;
            }
            if (!filled) {
                ended = true;
                break;
            }
            if (events.count() == 0 && System.currentTimeMillis() >= deadline) {
                break;
            }
        }
        return columns.rowCount() > 0 || !ended;
    }

    /** Whether every event the source has handed over has been read. */
    public boolean drained() {
        return !events.hasNext();
    }

    /** Time of the last event read (kept or not), Long.MIN_VALUE before the first. */
    public long lastEventTs() {
        return lastEventTs;
    }

    public EventColumns columns() {
        return columns;
    }

    @Override
    public void close() {
        columns.close();
        events.close();
    }
}
