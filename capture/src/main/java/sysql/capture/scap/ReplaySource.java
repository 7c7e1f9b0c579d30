// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import sysql.capture.CaptureException;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.EventSource;

/**
 * A capture file played as if live ({@code sysql export -r FILE --replay}): each event is handed out when its
 * recorded time comes round again (at {@code speed} times the recorded pace), with its time moved to now.
 *
 * <p>Times: an event recorded at {@code t} is stamped {@code t0 + shift + (t - t0) / speed}, where {@code t0} is
 * the file's first event time and {@code shift} is the whole seconds from {@code t0} to the moment the replay
 * starts (rounded down, so an event never carries a time later than when it is handed out). At the recorded pace
 * ({@code speed} 1) every event moves by the same whole number of seconds, so the windows of a whole number of
 * seconds (or of a minute, ... that divide the shift) hold the same events as over the file. Events of time 0
 * (container descriptions before the first event) keep it. The file's initial state (process and fd lists) is
 * the file's own.
 *
 * <p>Nothing is allocated per event: the file's events are read into a batch of their own and copied into the
 * caller's as they fall due.
 */
public final class ReplaySource implements EventSource {
    private static final long SECOND = 1_000_000_000L;
    /**
     * How much earlier than the one before it an event of a file may be (a CPU's events that reached the capture late):
     * the watermark stays that far behind, so such an event still comes after it.
     */
    static final long DISORDER = SECOND;

    /** The wall clock as the replay reads it (epoch and monotonic nanoseconds); a test gives its own. */
    public interface Clock {
        long epochNanos();

        long nanoTime();

        /** Waits up to {@code nanos} (less when woken). */
        void sleep(long nanos);

        Clock SYSTEM = new Clock() {
            @Override
            public long epochNanos() {
                java.time.Instant now = java.time.Instant.now();
                return now.getEpochSecond() * SECOND + now.getNano();
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(long nanos) {
                LockSupport.parkNanos(nanos);
            }
        };
    }

    private final ScapFileSource file;
    private final double speed;
    private final Clock clock;
    private final EventBatch ahead = new EventBatch();
    private final Event event = new Event();
    /** {@link #event} holds an event of {@link #ahead} not yet handed out. */
    private boolean pending;

    private boolean fileEnded;
    private boolean started;
    private long firstTs;
    private long shift;
    private long startNanos;
    /** Every event still to come is stamped at or after this (Long.MIN_VALUE before the first). */
    private volatile long handedThrough = Long.MIN_VALUE;

    /**
     * Plays {@code file} (which it takes and closes) at {@code speed} times its recorded pace.
     *
     * @throws IllegalArgumentException if speed is not a positive finite number
     */
    public ReplaySource(ScapFileSource file, double speed, Clock clock) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            file.close();
            throw new IllegalArgumentException("replay speed must be a positive number, not " + speed);
        }
        this.file = file;
        this.speed = speed;
        this.clock = clock;
    }

    public ReplaySource(ScapFileSource file, double speed) {
        this(file, speed, Clock.SYSTEM);
    }

    public InitialState initialState() {
        return file.initialState();
    }

    /** What the times were moved by, in whole seconds (0 before the first event). */
    public long shiftSeconds() {
        return shift / SECOND;
    }

    /**
     * The time up to which the replay has handed out every event: each event still to come is stamped at or after
     * it (Long.MIN_VALUE before the first event). A capture file's events are in time order but for a few a CPU
     * delivered late, which come out as soon as they are read: the watermark stays {@link #DISORDER} behind the
     * replay's present for them.
     */
    public long handedThrough() {
        return handedThrough;
    }

    /** The time an event recorded at {@code ts} is stamped with. */
    private long stamped(long ts) {
        return firstTs + shift + (long) ((ts - firstTs) / speed);
    }

    /** When (System.nanoTime) an event recorded at {@code ts} falls due. */
    private long due(long ts) {
        return startNanos + (long) ((ts - firstTs) / speed);
    }

    /**
     * Hands out the events that have fallen due, waiting up to {@code timeoutMillis} (negative: until one does)
     * for the first one; an empty batch when none fell due in time.
     *
     * @return false once the file has ended and every event has been handed out
     */
    @Override
    public boolean fill(EventBatch batch, long timeoutMillis) throws CaptureException {
        long deadline =
                timeoutMillis < 0 ? Long.MAX_VALUE : clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        ByteBuffer out = batch.buffer();
        out.limit(out.capacity());
        int used = 0;
        int count = 0;
        while (true) {
            if (!pending && !nextFromFile()) {
                batch.filled(count, used);
                handedThrough = Long.MAX_VALUE;
                return count > 0;
            }
            long ts = event.ts();
            if (ts != 0 && !started) {
                start(ts);
            }
            long now = clock.nanoTime();
            if (ts == 0 || due(ts) <= now) {
                int need = 2 + event.length();
                if (count == 0 && need > out.capacity()) {
                    throw new CaptureException(
                            CaptureException.Reason.STATE,
                            "an event of " + event.length() + " bytes does not fit in a batch of " + out.capacity()
                                    + " bytes");
                }
                if (used + need > out.capacity()) {
                    batch.filled(count, used);
                    handedThrough = Math.max(handedThrough, ts == 0 ? Long.MIN_VALUE : stamped(ts) - 1 - DISORDER);
                    return true;
                }
                copy(out, used, ts);
                used += need;
                count++;
                pending = false;
                continue;
            }
            // the next event is still to come: every later one is stamped after the replay's present
            handedThrough = Math.max(handedThrough, firstTs + shift + (now - startNanos) - DISORDER);
            if (count > 0 || now >= deadline) {
                batch.filled(count, used);
                return true;
            }
            clock.sleep(Math.min(due(ts), deadline) - now);
        }
    }

    private void start(long ts) {
        started = true;
        firstTs = ts;
        startNanos = clock.nanoTime();
        shift = Math.floorDiv(clock.epochNanos() - ts, SECOND) * SECOND;
    }

    /** Moves {@link #event} to the file's next event; false at its end. */
    private boolean nextFromFile() throws CaptureException {
        while (!ahead.next(event)) {
            if (fileEnded || !file.fill(ahead, 0)) {
                fileEnded = true;
                return false;
            }
        }
        pending = true;
        return true;
    }

    /** Copies the pending event (with its cpu) to {@code out} at {@code at}, stamped with its replayed time. */
    private void copy(ByteBuffer out, int at, long ts) {
        ByteBuffer in = ahead.buffer();
        int from = event.offset();
        int length = event.length();
        out.putShort(at, (short) event.cpu());
        out.put(at + 2, in, from, length);
        if (ts != 0) {
            out.putLong(at + 2, stamped(ts));
        }
    }

    @Override
    public void close() {
        ahead.close();
        file.close();
    }
}
