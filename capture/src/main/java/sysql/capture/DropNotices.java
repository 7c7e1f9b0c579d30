// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Lost events, written into the stream itself: sysdig's files record no drop, so where the driver lost events (a
 * CPU's ring buffer full, an event it could not build) or the history's disk writer fell behind, the capture
 * thread puts a sysdig {@code notification} event ({@code id=sysql.drops}) in the stream, after the events of the
 * batch that found the counters grown. It reaches the history, its disk segments and every dump (sysdig shows it
 * as {@code notification id=sysql.drops desc=...}), the live queries, and a query over the history learns from it
 * that its window lost events ({@link LostEvents}).
 *
 * <p>The description is {@code lost=N cpu=C full=F invalid=I since=T}: N events lost on CPU C (F because the ring
 * was full, I because the event could not be built) after time T (ns since the epoch: the previous look at the
 * counters) and before the notice's own time; {@code cpu=history} for segments the disk writer did not write.
 * The notice has no thread (tid -1).
 */
public final class DropNotices {
    /** The notice's id parameter. */
    public static final String ID = "sysql.drops";

    public static final int NOTIFICATION_E = notificationCode();
    private static final byte[] ID_BYTES = (ID + "\0").getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_DESC = 200;

    private final ByteBuffer buffer = ByteBuffer.allocate(Event.HEADER_LEN + 4 + ID_BYTES.length + MAX_DESC)
            .order(ByteOrder.LITTLE_ENDIAN);
    private final Event event = new Event();
    private long[] lastFull = new long[0];
    private long[] lastInvalid = new long[0];
    private long lastHistoryDropped;
    private long since;
    private long notices;
    private long lost;

    private static int notificationCode() {
        for (EventType t : EventTypes.all()) {
            if (t.name().equals("notification") && t.isEnter()) {
                return t.code();
            }
        }
        throw new IllegalStateException("the event table has no notification event");
    }

    /** Whether {@code e} is a drop notice. Allocates only for a notification event. */
    public static boolean isNotice(Event e) {
        return e.typeCode() == NOTIFICATION_E && e.nparams() == 2 && ID.equals(e.paramAsString(0));
    }

    /** The events a notice says were lost (its {@code lost=} count), or 0 if its description has none. */
    public static long lostBy(Event notice) {
        String desc = notice.paramAsString(1);
        if (!desc.startsWith("lost=")) {
            return 0;
        }
        int end = desc.indexOf(' ');
        try {
            return Long.parseLong(desc.substring(5, end < 0 ? desc.length() : end));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The time a notice's interval starts (its {@code since=}), or its own time when its description has none. */
    public static long since(Event notice) {
        String desc = notice.paramAsString(1);
        int at = desc.indexOf(" since=");
        if (at < 0) {
            return notice.ts();
        }
        int end = desc.indexOf(' ', at + 7);
        try {
            return Long.parseLong(desc.substring(at + 7, end < 0 ? desc.length() : end));
        } catch (NumberFormatException e) {
            return notice.ts();
        }
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
    public void reset(CaptureStats stats, long historyDropped, long now) {
        int n = stats.cpus().size();
        lastFull = new long[n];
        lastInvalid = new long[n];
        for (int c = 0; c < n; c++) {
            lastFull[c] = stats.cpus().get(c).dropsFull();
            lastInvalid[c] = stats.cpus().get(c).dropsInvalid();
        }
        lastHistoryDropped = historyDropped;
        since = now;
    }

    /**
     * Compares the counters with the last look and hands {@code sink} one notice per CPU that lost events, and
     * one for the history's disk writer; returns how many notices it wrote.
     *
     * @param now the notices' time (ns since the epoch): no later than the events still to come
     */
    public int check(CaptureStats stats, long historyDropped, long now, Sink sink) throws CaptureException {
        if (stats.cpus().size() != lastFull.length) {
            reset(stats, historyDropped, now);
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
                                + " since=" + since));
                lost += full + invalid;
                written++;
            }
        }
        long history = historyDropped - lastHistoryDropped;
        lastHistoryDropped = historyDropped;
        if (history > 0) {
            sink.notice(notice(
                    now,
                    0,
                    "lost=" + history + " cpu=history since=" + since
                            + " (the history's disk writer fell behind: segments not written)"));
            lost += history;
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
     * What a scan of the history learned from the notices in its time range: how many events its window lost, in
     * how many notices, and between which times (ns since the epoch).
     */
    public static final class LostEvents {
        private long events;
        private long notices;
        private long firstTs = Long.MAX_VALUE;
        private long lastTs = Long.MIN_VALUE;

        /**
         * Counts {@code e} if it is a notice whose interval (its {@code since=} to its time) meets {@code fromTs..toTs}.
         */
        public void addIfIn(Event e, long fromTs, long toTs) {
            if (e.ts() < fromTs || !isNotice(e) || since(e) > toTs) {
                return;
            }
            events += lostBy(e);
            notices++;
            firstTs = Math.min(firstTs, e.ts());
            lastTs = Math.max(lastTs, e.ts());
        }

        public long events() {
            return events;
        }

        public long notices() {
            return notices;
        }

        /** The warning a query over this window gives, or null when it lost nothing. */
        public String warning() {
            if (notices == 0) {
                return null;
            }
            return "this query's window lost " + events + " events (" + notices + " sysql.drops notice"
                    + (notices == 1 ? ", " : "s, ") + java.time.Instant.ofEpochSecond(0, firstTs)
                    + (notices == 1 ? "" : " to " + java.time.Instant.ofEpochSecond(0, lastTs))
                    + "): its results may be incomplete; see SELECT evt.time, evt.cpu, evt.arg.desc FROM events"
                    + " WHERE evt.type = 'notification'";
        }
    }
}
