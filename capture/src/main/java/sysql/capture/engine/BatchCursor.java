// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import sysql.capture.CaptureException;
import sysql.capture.DropNotices;
import sysql.capture.columnar.EventColumns;

/**
 * Rows of one scan as columnar batches, from any source: the live stream ({@link Subscription}), the
 * recorder's history ({@link Recorder#replay}) or a capture file ({@link FileScan}). A cursor owns the memory
 * of its batches and frees it on {@link #close()}.
 */
public interface BatchCursor extends AutoCloseable {
    /**
     * The next batch, waiting up to {@code timeoutMillis} for it: null when none came in time or the cursor has
     * ended ({@link #ended()}). The batch belongs to the cursor and is valid until the next call.
     */
    EventColumns next(long timeoutMillis) throws CaptureException;

    /** True once every batch has been returned (never for a live stream). */
    boolean ended();

    /**
     * The event time (ns since the epoch) below which no row is still to come after the batches {@link #next}
     * returned so far: what closes a window. For a finite source, the time of the last event read, and
     * {@code Long.MAX_VALUE} once it has ended.
     */
    long watermark();

    /** Rows this consumer lost because it fell behind the stream (live streams only). */
    default long droppedRows() {
        return 0;
    }

    /**
     * What the scan says about its rows once it has ended: a one-line warning when the events it read include
     * {@link DropNotices} (its window lost events), else null.
     */
    default String warning() {
        return null;
    }

    @Override
    void close();
}
