// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.testing.TestData;

/** A capture file played as if live, on a clock the test moves: when each event comes out and its new time. */
class ReplaySourceTest {
    private static final long SECOND = 1_000_000_000L;
    /** 2026-12-05 04:00:00.250 UTC, as the replay's wall clock at its start. */
    private static final long NOW = 1_796_443_200L * SECOND + 250_000_000L;

    /** A clock that stands still until the replay sleeps, which moves it by the time asked for. */
    private static final class TestClock implements ReplaySource.Clock {
        long monotonic = 5 * SECOND;
        long slept;
        /** How much longer than asked each sleep takes (a real scheduler's lateness). */
        long overshoot;

        @Override
        public long epochNanos() {
            return NOW + monotonic - 5 * SECOND;
        }

        @Override
        public long nanoTime() {
            return monotonic;
        }

        @Override
        public void sleep(long nanos) {
            monotonic += nanos + overshoot;
            slept += nanos;
        }
    }

    private record Seen(long ts, long tid, int type, long handedOutAt) {}

    private static List<Seen> original(Path file) throws Exception {
        List<Seen> events = new ArrayList<>();
        try (ScapFileSource s = ScapFileSource.open(file);
                EventBatch b = new EventBatch()) {
            Event e = new Event();
            while (s.fill(b, 0)) {
                while (b.next(e)) {
                    events.add(new Seen(e.ts(), e.tid(), e.typeCode(), 0));
                }
            }
        }
        return events;
    }

    private static List<Seen> replayed(Path file, double speed, TestClock clock, List<Long> watermarks)
            throws Exception {
        List<Seen> events = new ArrayList<>();
        try (ReplaySource r = new ReplaySource(ScapFileSource.open(file), speed, clock);
                EventBatch b = new EventBatch(EventBatch.MIN_CAPACITY * 4)) {
            Event e = new Event();
            long watermark = Long.MIN_VALUE;
            while (r.fill(b, 100)) {
                while (b.next(e)) {
                    events.add(new Seen(e.ts(), e.tid(), e.typeCode(), clock.monotonic));
                    // the watermark is sound: no event comes later stamped before it
                    assertTrue(
                            e.ts() == 0 || e.ts() >= watermark, "event " + events.size() + " is behind the watermark");
                }
                watermark = r.handedThrough();
                watermarks.add(watermark);
            }
            assertEquals(Long.MAX_VALUE, r.handedThrough());
        }
        return events;
    }

    private static long firstTs(List<Seen> events) {
        return events.stream()
                .mapToLong(Seen::ts)
                .filter(t -> t != 0)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void atTheRecordedPaceEveryEventComesWhenItsTimeComesRoundMovedByWholeSeconds() throws Exception {
        for (String name : List.of(
                "falco_cat_write.scap", "libs_curl_google.scap", "falco_syscall.scap", "sysdig_live_storm.scap.gz")) {
            Path file = TestData.scap(name);
            List<Seen> before = original(file);
            TestClock clock = new TestClock();
            List<Long> watermarks = new ArrayList<>();
            List<Seen> after = replayed(file, 1, clock, watermarks);
            assertEquals(before.size(), after.size(), name);
            long t0 = firstTs(before);
            long shift = Math.floorDiv(NOW - t0, SECOND) * SECOND;
            assertEquals(0, shift % SECOND);
            assertTrue(NOW - (t0 + shift) >= 0 && NOW - (t0 + shift) < SECOND, name + ": the first event is now");
            long latest = Long.MIN_VALUE;
            for (int i = 0; i < before.size(); i++) {
                Seen b = before.get(i);
                Seen a = after.get(i);
                assertEquals(b.tid(), a.tid(), name + " event " + i);
                assertEquals(b.type(), a.type(), name + " event " + i);
                assertEquals(b.ts() == 0 ? 0 : b.ts() + shift, a.ts(), name + " event " + i + "'s time");
                if (b.ts() != 0) {
                    // handed out once its time had come (the clock started at 5 s), not before
                    long due = 5 * SECOND + (b.ts() - t0);
                    assertTrue(a.handedOutAt() >= due, name + " event " + i + " came early");
                    latest = Math.max(latest, b.ts());
                }
            }
            assertEquals(latest - t0, clock.slept, name + ": the replay took the file's time, no more");
            for (int i = 1; i < watermarks.size(); i++) {
                assertTrue(watermarks.get(i) >= watermarks.get(i - 1), name + ": the watermark went back");
            }
        }
    }

    @Test
    void theWatermarkHoldsForEventsACpuDeliveredLateWhenSleepsRunLong() throws Exception {
        // the storm capture has events earlier than the one before them; with sleeps 20 ms long the replay's
        // present runs past them before they are read
        TestClock clock = new TestClock();
        clock.overshoot = 20_000_000L;
        List<Seen> after = replayed(TestData.scap("sysdig_live_storm.scap.gz"), 1, clock, new ArrayList<>());
        assertEquals(original(TestData.scap("sysdig_live_storm.scap.gz")).size(), after.size());
    }

    @Test
    void tenTimesFasterTakesATenthOfTheTimeAndItsTimesAreCompressed() throws Exception {
        Path file = TestData.scap("libs_curl_google.scap");
        List<Seen> before = original(file);
        TestClock clock = new TestClock();
        List<Seen> after = replayed(file, 10, clock, new ArrayList<>());
        long t0 = firstTs(before);
        long shift = Math.floorDiv(NOW - t0, SECOND) * SECOND;
        long last = before.stream().mapToLong(Seen::ts).max().orElseThrow();
        assertEquals((last - t0) / 10, clock.slept, 1);
        for (int i = 0; i < before.size(); i++) {
            long ts = before.get(i).ts();
            assertEquals(
                    ts == 0 ? 0 : t0 + shift + (long) ((ts - t0) / 10.0),
                    after.get(i).ts());
        }
    }

    @Test
    void aBadSpeedIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new ReplaySource(ScapFileSource.open(TestData.scap("falco_cat_write.scap")), 0));
        assertEquals("replay speed must be a positive number, not 0.0", e.getMessage());
    }

    @Test
    void aFillThatTimesOutIsEmptyButNotTheEnd() throws Exception {
        TestClock clock = new TestClock();
        try (ReplaySource r =
                        new ReplaySource(ScapFileSource.open(TestData.scap("libs_curl_google.scap")), 1e-6, clock);
                EventBatch b = new EventBatch()) {
            assertTrue(r.fill(b, 0)); // the first event is due at once
            int first = b.count();
            assertTrue(first >= 1);
            assertTrue(r.fill(b, 10));
            // at a millionth of the pace, the next event is far away
            assertEquals(0, b.count());
            assertFalse(b.hasNext());
            assertEquals(10_000_000L, clock.slept);
        }
    }
}
