// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import sysql.driver.EventTables;

/**
 * Lost events, written into the stream itself: sysdig's files record no drop, so where the driver lost events (a
 * CPU's ring buffer full, an event it could not build) or the history's disk writer fell behind, the capture
 * thread puts a sysdig {@code notification} event ({@code id=sysql.drops}) in the stream, after the events of the
 * batch that found the counters grown. It reaches the history, its disk segments and every dump (sysdig shows it
 * as {@code notification id=sysql.drops desc=...}), the live queries, and a query over the history learns from it
 * that its window lost events ({@link LostEvents}).
 *
 * <p>The description is {@code lost=N cpu=C full=F invalid=I since=A until=B}: N events lost on CPU C (F because
 * the ring was full, I because the event could not be built) between times A and B (ns since the epoch: the
 * previous look at the counters and this one, wall clock, which the events' times follow); {@code lost=N
 * cpu=history since=A until=B} for segments the disk writer did not write (A, B: their first and last event's
 * times). The notice's own time is the look's; it has no thread (tid -1).
 */
public final class DropNotices {
    /** The notice's id parameter. */
    public static final String ID = "sysql.drops";

    /** The notices' event type: sysdig's notification enter. */
    public static final int NOTIFICATION_E = EventTables.EVENT_NOTIFICATION_E;

    private static final byte[] ID_BYTES = (ID + "\0").getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_DESC = 200;

    private final ByteBuffer buffer = ByteBuffer.allocate(Event.HEADER_LEN + 4 + ID_BYTES.length + MAX_DESC)
            .order(ByteOrder.LITTLE_ENDIAN);
    private final Event event = new Event();
    private long[] lastFull = new long[0];
    private long[] lastInvalid = new long[0];
    private long since;
    private long notices;
    private long lost;

    /** Whether {@code e} is a drop notice. Allocates only for a notification event. */
    public static boolean isNotice(Event e) {
        return e.typeCode() == NOTIFICATION_E && e.nparams() == 2 && ID.equals(e.paramAsString(0));
    }

    /** The events a notice says were lost (its {@code lost=}), or 0 if its description has none. */
    public static long lostBy(Event notice) {
        return number(notice.paramAsString(1), "lost=", 0);
    }

    /** When a notice's interval starts (its {@code since=}), or its own time when its description has none. */
    public static long since(Event notice) {
        return number(notice.paramAsString(1), "since=", notice.ts());
    }

    /** When a notice's interval ends (its {@code until=}), or its own time when its description has none. */
    public static long until(Event notice) {
        return number(notice.paramAsString(1), "until=", notice.ts());
    }

    private static long number(String desc, String key, long otherwise) {
        int at = desc.startsWith(key) ? 0 : desc.indexOf(" " + key);
        if (at < 0) {
            return otherwise;
        }
        int from = at == 0 ? key.length() : at + 1 + key.length();
        int end = desc.indexOf(' ', from);
        try {
            return Long.parseLong(desc.substring(from, end < 0 ? desc.length() : end));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** Events the history's disk writer did not write since the last look, and their times (ns since the epoch). */
    public record HistoryLoss(long events, long fromTs, long toTs) {
        public static final HistoryLoss NONE = new HistoryLoss(0, 0, 0);
    }

    /** Now, ns since the epoch: the clock the events' times follow, and the notices'. */
    public static long wallNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The sink of the notices {@link #check} writes: each event is valid only during the call. */
    public interface Sink {
        void notice(Event notice) throws CaptureException;
    }

    /**
     * Starts counting from these counters (drops before them are not noticed: they were before the stream).
     *
     * @param now the time from which drops are noticed (ns since the epoch)
     */
    public void reset(CaptureStats stats, long now) {
        int n = stats.cpus().size();
        lastFull = new long[n];
        lastInvalid = new long[n];
        for (int c = 0; c < n; c++) {
            lastFull[c] = stats.cpus().get(c).dropsFull();
            lastInvalid[c] = stats.cpus().get(c).dropsInvalid();
        }
        since = now;
    }

    /**
     * Compares the counters with the last look and hands {@code sink} one notice per CPU that lost events, and one
     * for {@code history} when it lost any; returns how many notices it wrote.
     *
     * @param now this look's time (ns since the epoch, wall clock): the notices' time and the end of the CPUs' interval
     */
    public int check(CaptureStats stats, HistoryLoss history, long now, Sink sink) throws CaptureException {
        if (stats.cpus().size() != lastFull.length) {
            reset(stats, now);
            return 0;
        }
        int written = 0;
        for (int c = 0; c < lastFull.length; c++) {
            CaptureStats.Cpu cpu = stats.cpus().get(c);
            long full = cpu.dropsFull() - lastFull[c];
            long invalid = cpu.dropsInvalid() - lastInvalid[c];
            lastFull[c] = cpu.dropsFull();
            lastInvalid[c] = cpu.dropsInvalid();
            if (full > 0 || invalid > 0) {
                sink.notice(notice(
                        now,
                        cpu.cpu(),
                        "lost=" + (full + invalid) + " cpu=" + cpu.cpu() + " full=" + full + " invalid=" + invalid
                                + " since=" + since + " until=" + now));
                lost += full + invalid;
                written++;
            }
        }
        if (history.events() > 0) {
            sink.notice(notice(
                    now,
                    0,
                    "lost=" + history.events() + " cpu=history since=" + history.fromTs() + " until=" + history.toTs()
                            + " (the history's disk writer fell behind: segments not written)"));
            lost += history.events();
            written++;
        }
        notices += written;
        since = now;
        return written;
    }

    /** Notices written so far. */
    public long notices() {
        return notices;
    }

    /** Events the notices written so far say were lost. */
    public long lost() {
        return lost;
    }

    /** Builds one notice in the reused buffer. */
    public Event notice(long ts, int cpu, String desc) {
        byte[] d = (desc.length() >= MAX_DESC ? desc.substring(0, MAX_DESC - 1) : desc + "\0")
                .getBytes(StandardCharsets.US_ASCII);
        if (d[d.length - 1] != 0) {
            d[d.length - 1] = 0;
        }
        int len = Event.HEADER_LEN + 4 + ID_BYTES.length + d.length;
        ByteBuffer b = buffer;
        b.clear();
        b.putLong(ts).putLong(-1L).putInt(len).putShort((short) NOTIFICATION_E).putInt(2);
        b.putShort((short) ID_BYTES.length).putShort((short) d.length);
        b.put(ID_BYTES).put(d);
        b.flip();
        return event.wrap(b, 0, cpu);
    }

    /**
     * What a scan learned from the notices whose interval meets its time range: how many events its window lost, in
     * how many notices, and between which times (ns since the epoch). A notice counts once however it is seen.
     */
    public static final class LostEvents {
        private final java.util.Set<String> seen = new java.util.HashSet<>();
        private long events;
        private long firstTs = Long.MAX_VALUE;
        private long lastTs = Long.MIN_VALUE;

        /** Counts {@code e} if it is a notice whose interval meets {@code fromTs..toTs}. Allocates for notices only. */
        public void addIfIn(Event e, long fromTs, long toTs) {
            if (e.typeCode() == NOTIFICATION_E && isNotice(e)) {
                add(e.ts(), e.paramAsString(1), since(e), until(e), lostBy(e), fromTs, toTs);
            }
        }

        /** Counts a notice (its time, description, interval and count) if its interval meets {@code fromTs..toTs}. */
        public void add(long ts, String desc, long since, long until, long lost, long fromTs, long toTs) {
            if (until < fromTs || since > toTs || !seen.add(ts + " " + desc)) {
                return;
            }
            events += lost;
            firstTs = Math.min(firstTs, since);
            lastTs = Math.max(lastTs, until);
        }

        public long events() {
            return events;
        }

        public long notices() {
            return seen.size();
        }

        /** The warning a query over this window gives, or null when it lost nothing. */
        public String warning() {
            if (seen.isEmpty()) {
                return null;
            }
            int n = seen.size();
            return "this query's window lost " + events + " events (" + n + " sysql.drops notice" + (n == 1 ? "" : "s")
                    + ", " + java.time.Instant.ofEpochSecond(0, firstTs) + " to "
                    + java.time.Instant.ofEpochSecond(0, lastTs)
                    + "): its results may be incomplete; see SELECT evt.time, evt.cpu, evt.arg.desc FROM events"
                    + " WHERE evt.type = 'notification'";
        }
    }
}
