// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.columnar.EventColumns;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.FieldCatalog;
import sysql.capture.scap.ScapFileSource;
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;
import sysql.testing.TestData;

/**
 * A subscription driven as the capture thread drives it (offer per event, endRound per round), without a hub: a
 * consumer that is behind gets the round's rows in the partial batch instead of losing them, the watermark never
 * passes a row it has not been handed, and the batches stay within the maximum.
 */
class SubscriptionTest {
    private BufferAllocator root;
    private ScapFileSource src;
    private EventBatch batch;
    private EventContext ctx;
    private final Event event = new Event();

    @BeforeEach
    void open() throws Exception {
        Path file = TestData.scap("libs_curl_google.scap");
        root = new RootAllocator();
        src = ScapFileSource.open(file);
        batch = new EventBatch();
        ThreadTable threads = new ThreadTable(null);
        Users users = new Users();
        CaptureFileState.seed(src.initialState(), threads, users);
        ctx = new EventContext(new StateTracker(threads), users);
    }

    @AfterEach
    void close() {
        batch.close();
        src.close();
        root.close();
    }

    private Subscription subscription(int rowsPerBatch) {
        ScanRequest request =
                new ScanRequest(List.of(FieldCatalog.get("evt.num")), c -> true, KernelFilter.ALL, rowsPerBatch);
        return new Subscription(null, 1, request, root.newChildAllocator("test", 0, Long.MAX_VALUE));
    }

    /** Offers the file's next event; returns its evt.num. */
    private long offerNext(Subscription s) throws Exception {
        while (!batch.next(event)) {
            assertTrue(src.fill(batch, 0), "the test file has enough events");
        }
        ctx.advance(event);
        s.offer(ctx);
        return ctx.num();
    }

    private static List<Long> nums(EventColumns b) {
        FieldVector v = b.root().getVector(0);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < b.rowCount(); i++) {
            out.add(((Number) v.getObject(i)).longValue());
        }
        return out;
    }

    @Test
    void aConsumerThatIsBehindGetsTheRoundsInFullBatchesAndLosesNoRow() throws Exception {
        Subscription s = subscription(8);
        List<Long> offered = new ArrayList<>();
        int rounds = 20;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 3; i++) {
                offered.add(offerNext(s));
            }
            s.endRound(r);
        }
        // Before: one batch per round, 4 batches: 12 rows delivered, 48 dropped.
        assertEquals(0, s.droppedRows(), "no row dropped while batches are kept filling");
        assertEquals(offered.size() - 1, s.deliveredRows(), "every row handed over but the last round's, kept");
        assertTrue(
                s.batchesAllocated() < rounds / 2,
                "the rounds' rows share full batches, not one batch per round: " + s.batchesAllocated());
        List<Long> read = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        EventColumns b;
        while ((b = s.next(0)) != null) {
            read.addAll(nums(b));
            sizes.add(b.rowCount());
        }
        s.endRound(rounds); // the queue is empty now: the kept row goes
        while ((b = s.next(0)) != null) {
            read.addAll(nums(b));
            sizes.add(b.rowCount());
        }
        assertEquals(offered, read, "every row, in order");
        assertEquals(3, sizes.get(0), "the first round's batch went at once: nothing was queued");
        for (int i = 1; i < sizes.size() - 1; i++) {
            assertEquals(8, sizes.get(i), "while the consumer had a batch queued, rounds filled the batch on");
        }
        s.release();
    }

    @Test
    void theKeptBatchGoesAtTheFirstRoundEndThatFindsTheQueueEmpty() throws Exception {
        Subscription s = subscription(100);
        offerNext(s);
        s.endRound(10); // handed over: the queue was empty
        long kept = offerNext(s);
        s.endRound(20); // kept: the consumer has a batch queued
        assertEquals(1, s.deliveredRows());
        assertEquals(1, s.next(0).rowCount());
        assertEquals(10, s.watermark());
        assertNull(s.next(0), "the kept row is not handed over until a round ends");
        assertEquals(10, s.watermark(), "no watermark past the kept row");
        s.endRound(30); // the queue is empty now: the kept batch goes
        EventColumns b = s.next(0);
        assertEquals(List.of(kept), nums(b));
        assertEquals(30, s.watermark());
        assertNull(s.next(0));
        assertEquals(30, s.watermark());
        s.release();
    }

    /**
     * Rounds of a few events each; an event of round r is r old (its "time"), the watermark ending round r is r + 1
     * (every event to come is at least that old). A consumer reading at its own irregular pace checks, after every
     * {@code next}, that its watermark is no later than any row it has not yet been handed.
     */
    @Test
    void theWatermarkNeverPassesARowNotYetHandedOver() throws Exception {
        Subscription s = subscription(16);
        Map<Long, Integer> roundOf = new HashMap<>();
        ArrayDeque<Long> pending = new ArrayDeque<>(); // offered, not yet returned by next, in order
        int checks = 0;
        long keptChecks = 0;
        for (int r = 0; r < 400; r++) {
            int n = (r * 7) % 5; // 0 to 4 events a round
            for (int i = 0; i < n; i++) {
                long num = offerNext(s);
                roundOf.put(num, r);
                pending.add(num);
            }
            s.endRound(r + 1);
            int reads = r % 9 == 0 ? 6 : (r % 4 == 0 ? 1 : 0); // mostly behind, now and then catching up
            for (int k = 0; k < reads; k++) {
                EventColumns b = s.next(0);
                if (b != null) {
                    for (long num : nums(b)) {
                        assertEquals(num, pending.poll(), "rows come in order");
                    }
                }
                if (!pending.isEmpty()) {
                    int oldest = roundOf.get(pending.peek());
                    assertTrue(
                            s.watermark() <= oldest,
                            "round " + r + ": watermark " + s.watermark() + " passes row " + pending.peek()
                                    + " of round " + oldest + " not yet handed over");
                    keptChecks++;
                }
                checks++;
            }
        }
        assertTrue(keptChecks > 50, "the check saw rows held back: " + keptChecks + " of " + checks);
        assertEquals(0, s.droppedRows());
        while (s.next(0) != null) {
            // drain
        }
        s.endRound(401);
        while (s.next(0) != null) {
            // the last kept rows
        }
        assertEquals(401, s.watermark(), "once every row is read, the watermark is the capture's");
        assertEquals(s.deliveredRows(), roundOf.size());
        s.release();
    }

    @Test
    void aSubscriptionAllocatesBatchesOnlyAsNeededAndNeverMoreThanTheMaximum() throws Exception {
        Subscription s = subscription(4);
        assertEquals(Subscription.INITIAL_BATCHES, s.batchesAllocated(), "batches beyond the first are lazy");
        for (int r = 0; r < 50; r++) { // a consumer that keeps up needs no more
            offerNext(s);
            offerNext(s);
            s.endRound(r);
            assertNotNull(s.next(0));
        }
        assertEquals(Subscription.INITIAL_BATCHES, s.batchesAllocated());
        int offered = 0;
        for (int r = 0; r < 200; r++) { // a consumer that reads nothing: the batches fill up to the maximum
            for (int i = 0; i < 3; i++) {
                offerNext(s);
                offered++;
            }
            s.endRound(100 + r);
        }
        assertEquals(Subscription.MAX_BATCHES, s.batchesAllocated(), "the maximum holds");
        assertTrue(s.droppedRows() > 0, "past the maximum, rows are dropped (the capture never waits)");
        // One batch is with the consumer (the last one next returned); of the others the first went at its round's
        // end (3 rows: nothing was queued), every later one once full (4 rows).
        assertEquals(100 + 3 + 4L * (Subscription.MAX_BATCHES - 2), s.deliveredRows());
        assertEquals(offered + 100, s.deliveredRows() + s.droppedRows(), "every row delivered or counted dropped");
        int read = 0;
        while (s.next(0) != null) {
            read++;
        }
        assertEquals(Subscription.MAX_BATCHES - 1, read);
        for (int r = 0; r < 50; r++) { // and once read, the batches are reused: no more allocated
            offerNext(s);
            s.endRound(300 + r);
            assertNotNull(s.next(0));
        }
        assertEquals(Subscription.MAX_BATCHES, s.batchesAllocated());
        s.release();
    }
}
