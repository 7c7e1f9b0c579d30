// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import sysql.capture.columnar.EventColumns;
import sysql.capture.engine.BatchCursor;

/** Closing an enumerator from another thread closes its cursor, whatever the reading thread does next. */
class CursorEnumeratorTest {
    /** A cursor that only records its close. */
    static final class RecordingCursor implements BatchCursor {
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public EventColumns next(long timeoutMillis) {
            return null;
        }

        @Override
        public boolean ended() {
            return false;
        }

        @Override
        public long watermark() {
            return 0;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    /** Rows made ready by a read that waits until the test lets it go. */
    static final class OneRowPerRead extends CursorEnumerator {
        final RecordingCursor cursor = new RecordingCursor();
        final CountDownLatch reading = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private boolean ready;

        OneRowPerRead() {
            super(new AtomicBoolean(), null, null);
        }

        @Override
        BatchCursor open() {
            return cursor;
        }

        @Override
        Object poll() {
            if (!ready) {
                return NO_ROW;
            }
            ready = false;
            return "row";
        }

        @Override
        boolean read(BatchCursor c) {
            reading.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ready = true;
            return true;
        }

        @Override
        void release() {
            ready = false;
        }
    }

    @Test
    void aCloseWhileARowIsReadClosesTheCursorWhenThatReadReturns() throws Exception {
        OneRowPerRead e = new OneRowPerRead();
        AtomicBoolean moved = new AtomicBoolean();
        Thread reader = new Thread(() -> moved.set(e.moveNext()));
        reader.start();
        assertTrue(e.reading.await(10, TimeUnit.SECONDS));
        e.close(); // the reader holds the enumerator: the close is left to it
        assertFalse(e.cursor.closed.get(), "closed under the reader's feet");
        e.release.countDown();
        reader.join(10_000);
        assertTrue(moved.get(), "the row read before the close still goes out");
        assertEquals("row", e.current());
        // the reader never calls moveNext again (a closed result set refuses next()): the cursor is closed anyway
        assertTrue(e.cursor.closed.get(), "the subscription outlived the close");
    }

    @Test
    void aCloseBetweenReadsClosesAtOnce() {
        OneRowPerRead e = new OneRowPerRead();
        e.release.countDown();
        assertTrue(e.moveNext());
        assertFalse(e.cursor.closed.get());
        e.close();
        assertTrue(e.cursor.closed.get());
        assertFalse(e.moveNext());
    }
}
