// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import sysql.capture.Event;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.capture.scap.InitialState;
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.FdInfo;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadInfo;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;

/**
 * What extractors read for the current event: the event itself, its number in the stream, and the state
 * tracker's view right after it (thread, descriptor, paired enter). One context serves a whole stream;
 * {@link #advance(Event)} moves it to the next event.
 *
 * <p>A context made by {@link #forStateRows} serves the state tables instead (processes, open descriptors):
 * each row is a thread and one of its descriptors as of a moment, seen by the extractors as a {@code close}
 * of that descriptor by that thread at that moment, so every proc, thread, user, group, container and fd field
 * has its current value.
 */
public final class EventContext {
    private static final int STATE_EVENT_TYPE = stateEventType();
    private final StateTracker tracker;
    private final Users users;
    private Event event;
    private long num;
    // State rows only.
    private final boolean stateRows;
    private ThreadInfo rowThread;
    private FdInfo rowFd;
    private final ByteBuffer rowBuffer;
    /** The last evt.latency.human text, which sysdig shows again for an event without a thread. */
    String lastLatencyText = "";
    /** ArgFormatter's builders, reused event after event (a buffer's text can be 64 KiB). */
    final ArgFormatter.Rendered renderScratch = new ArgFormatter.Rendered();

    final StringBuilder argsScratch = new StringBuilder(64);
    /** Longest text of a byte buffer (sysdig's {@code m_max_evt_output_len}); see {@link #bufferPrintLength(int)}. */
    private int bufferPrintLength = DEFAULT_BUFFER_PRINT_LENGTH;

    /** sysdig's print length of a byte buffer's text when it prints events ({@code sysdig -p}, no {@code -v}). */
    public static final int DEFAULT_BUFFER_PRINT_LENGTH = 80;

    public EventContext(StateTracker tracker, Users users) {
        this(tracker, users, 0);
    }

    /** A context whose stream already had {@code eventsBefore} events (a replay that starts mid-stream). */
    public EventContext(StateTracker tracker, Users users, long eventsBefore) {
        this(tracker, users, eventsBefore, false);
    }

    private EventContext(StateTracker tracker, Users users, long eventsBefore, boolean stateRows) {
        this.tracker = tracker;
        this.users = users;
        this.num = eventsBefore;
        this.stateRows = stateRows;
        this.rowBuffer = stateRows ? ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN) : null;
    }

    /** A context for the rows of a state table over {@code threads} (see {@link #moveToState}). */
    public static EventContext forStateRows(ThreadTable threads, Users users) {
        EventContext c = new EventContext(new StateTracker(threads), users, 0, true);
        c.event = new Event();
        return c;
    }

    /**
     * State rows: the row of thread {@code t} and its descriptor {@code fd} (or none) at {@code timeNanos}. The
     * thread must belong to a snapshot the caller owns: its last-event fd is set to {@code fd}.
     */
    public void moveToState(ThreadInfo t, FdInfo fd, long timeNanos) {
        ByteBuffer b = rowBuffer;
        int len = Event.HEADER_LEN + 2 + 8;
        b.putLong(0, timeNanos);
        b.putLong(8, t.tid());
        b.putInt(16, len);
        b.putShort(20, (short) STATE_EVENT_TYPE);
        b.putInt(22, 1);
        b.putShort(Event.HEADER_LEN, (short) 8);
        b.putLong(Event.HEADER_LEN + 2, fd == null ? -1 : fd.fd());
        event.wrap(b, 0, 0);
        t.lastEventFd(fd == null ? -1 : fd.fd()); // as the close's enter sets it: fd.num reads it
        rowThread = t;
        rowFd = fd;
    }

    private static int stateEventType() {
        for (EventType t : EventTypes.all()) {
            if (t.isEnter() && t.name().equals("close")) {
                return t.code();
            }
        }
        throw new IllegalStateException("the event table has no close event");
    }

    /**
     * A context for a capture file's events: thread, fd and user tables seeded from what the file records before
     * its first event ({@link CaptureFileState#seed}), no /proc lookups.
     */
    public static EventContext forCaptureFile(InitialState initial) {
        ThreadTable threads = new ThreadTable(null);
        Users users = new Users();
        CaptureFileState.seed(initial, threads, users);
        return new EventContext(new StateTracker(threads), users);
    }

    /**
     * Sets the longest text a byte buffer gives (evt.arg.data, evt.arg[N], evt.buffer, evt.args/evt.info): a
     * longer buffer's text is cut to this many characters, the last three made dots, as sysdig does with its
     * print length (80 when it prints events, none with {@code -v} or a chisel). sysql uses the snaplen
     * setting: 80 by default, so that a buffer reads as {@code sysdig -p} prints it, and with a larger snaplen
     * the whole buffer as a chisel sees it. Raw bytes (evt.rawarg.data) are never cut.
     *
     * @param n at least 1; {@link Integer#MAX_VALUE} for no limit
     * @return this context
     */
    public EventContext bufferPrintLength(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("the print length of a buffer is at least 1, not " + n);
        }
        bufferPrintLength = n;
        return this;
    }

    public int bufferPrintLength() {
        return bufferPrintLength;
    }

    /** Updates the state with {@code e} and makes it the current event (evt.num counts from 1). */
    public void advance(Event e) {
        num++;
        tracker.onEvent(e);
        event = e;
    }

    /** Skips an event number without an event (sysdig counts events it does not show). */
    public void countOnly(Event e) {
        advance(e);
    }

    public Event event() {
        return event;
    }

    public long num() {
        return num;
    }

    public ThreadInfo thread() {
        return stateRows ? rowThread : tracker.thread();
    }

    public FdInfo fd() {
        return stateRows ? rowFd : tracker.fd();
    }

    public StateTracker tracker() {
        return tracker;
    }

    public Users users() {
        return users;
    }
    /** The enter event paired with the current exit event, or null. */
    public Event pairedEnter() {
        return stateRows ? null : tracker.pairedEnter();
    }
}
