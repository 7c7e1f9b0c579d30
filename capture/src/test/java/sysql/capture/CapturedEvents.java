// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Test helper: drains a live capture into copies of events (tests only — the product never copies events),
 * validating every event against the ABI table as it goes.
 */
final class CapturedEvents {
    /** A copied event, with its own buffer. */
    record Copy(ByteBuffer bytes, int cpu) {
        Event view() {
            return new Event().wrap(bytes, 0, cpu);
        }
    }

    final List<Copy> events = new ArrayList<>();
    long validated;

    /**
     * Reads from the capture until {@code done} is true and the stream has caught up with that moment (an event
     * stamped {@code settleMillis} after it arrived, or none arrived for that long), or until {@code maxMillis}.
     * Events come out in timestamp order, so once a later event is seen every earlier one has been read.
     */
    void drain(
            LiveCapture capture,
            long settleMillis,
            long maxMillis,
            java.util.function.BooleanSupplier done,
            Predicate<Event> keep)
            throws CaptureException {
        long end = System.currentTimeMillis() + maxMillis;
        long lastEvent = System.currentTimeMillis();
        long doneAtNanos = -1;
        long lastTs = 0;
        Event e = new Event();
        try (EventBatch batch = new EventBatch()) {
            while (System.currentTimeMillis() < end) {
                capture.fill(batch, 50);
                if (batch.count() > 0) {
                    lastEvent = System.currentTimeMillis();
                }
                while (batch.next(e)) {
                    validate(e);
                    lastTs = e.ts();
                    if (keep.test(e)) {
                        byte[] copy = new byte[e.length()];
                        e.buffer().get(e.offset(), copy);
                        events.add(new Copy(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN), e.cpu()));
                    }
                }
                if (doneAtNanos < 0 && done.getAsBoolean()) {
                    doneAtNanos = System.currentTimeMillis() * 1_000_000L;
                }
                if (doneAtNanos >= 0
                        && (lastTs > doneAtNanos + settleMillis * 1_000_000L
                                || System.currentTimeMillis() - lastEvent > settleMillis)) {
                    return;
                }
            }
        }
        throw new AssertionError("the capture did not catch up within " + maxMillis + " ms (done: " + (doneAtNanos >= 0)
                + ", last event ts " + lastTs + ")");
    }

    /** Every event must be of a known type, with the table's parameter count and fixed sizes. */
    void validate(Event e) {
        EventType t = e.type();
        if (t == null) {
            throw new AssertionError("event of unknown type " + e.typeCode() + " at tid " + e.tid());
        }
        if (e.nparams() != t.nparams()) {
            throw new AssertionError(t + " has " + e.nparams() + " parameters, the table says " + t.nparams());
        }
        for (int i = 0; i < e.nparams(); i++) {
            int size = ParamInfo.fixedSize(t.params().get(i).type());
            if (size > 0 && e.paramLength(i) != size && e.paramLength(i) != 0) {
                throw new AssertionError(t + " parameter " + t.params().get(i).name() + " is " + e.paramLength(i)
                        + " bytes, its type takes " + size);
            }
        }
        validated++;
    }

    List<Event> of(long tid) {
        List<Event> out = new ArrayList<>();
        for (Copy c : events) {
            Event v = c.view();
            if (v.tid() == tid) {
                out.add(v);
            }
        }
        return out;
    }

    List<Event> all() {
        List<Event> out = new ArrayList<>();
        for (Copy c : events) {
            out.add(c.view());
        }
        return out;
    }
}
