// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import sysql.capture.Event;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.capture.scap.InitialState;
import sysql.capture.scap.ScapFileWriter;
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.FdInfo;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadInfo;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;
import sysql.driver.EventTables;

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
    /** A state row is seen as this event: a close enter. */
    private static final int STATE_EVENT_TYPE = EventTables.EVENT_SYSCALL_CLOSE_E;
    /**
     * Event types that are no rows: container descriptions (sysdig never shows them, even with -D, but numbers
     * them; their time is 0) and later libs' user and group descriptions (sysdig 0.29.3 skips them).
     */
    private static final boolean[] NOT_ROW = new boolean[EventTables.EVENT_CODE_LIMIT];

    static {
        for (EventType t : EventTypes.all()) {
            NOT_ROW[t.code()] = (t.name().equals("container") && t.paramIndex("json") == 0)
                    || t.name().matches("(user|group)(added|deleted)");
        }
    }

    private final StateTracker tracker;
    private final Users users;
    private Event event;
    private long num;
    private boolean row = true;
    // State rows only.
    private final boolean stateRows;
    private ThreadInfo rowThread;
    private FdInfo rowFd;
    private final ByteBuffer rowBuffer;
    /** The stream's clock of evt.reltime and evt.deltatime: its first timestamp and the previous shown event's. */
    final EvtFields.Clock clock = new EvtFields.Clock();
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

    /**
     * Updates the state with {@code e} and makes it the current event (evt.num counts from 1). A metadata event
     * (container, user and group descriptions) updates the state but is not a row ({@link #isRow}); it takes an
     * evt.num only when sysdig 0.29.3 knows its type, as sysdig numbers them. An event of a type the table does
     * not define (a newer libs' file) is neither a row nor numbered: sysdig skips it.
     */
    public void advance(Event e) {
        int code = e.typeCode();
        boolean known = e.type() != null;
        row = known && !NOT_ROW[code];
        if (row || (known && !ScapFileWriter.needsDowngrade(code))) {
            num++;
        }
        if (known) {
            tracker.onEvent(e);
        }
        if (!row && known && users != null) {
            onUserMetadata(e);
        }
        event = e;
    }

    /** Whether {@link #advance} gives {@code e} an evt.num (so a recorder counts as a replay will number). */
    public static boolean isNumbered(Event e) {
        int code = e.typeCode();
        return e.type() != null && (!NOT_ROW[code] || !ScapFileWriter.needsDowngrade(code));
    }

    /**
     * Whether the current event is a row of the events table: sysdig shows every event but the metadata ones,
     * which carry no time or thread of their own (container events: time 0).
     */
    public boolean isRow() {
        return row;
    }

    /** useradded / userdeleted / groupadded / groupdeleted of later libs' files: the host's user and group names. */
    private void onUserMetadata(Event e) {
        EventType t = e.type();
        int container = t == null ? -1 : e.paramIndex("container_id");
        if (container < 0 || !e.paramAsString(container).isEmpty()) {
            return; // not a user event, or a container's user (sysql keeps the host's names)
        }
        switch (t.name()) {
            case "useradded" ->
                users.addUser(new Users.User(
                        (int) e.paramAsLong(0),
                        (int) e.paramAsLong(1),
                        e.paramAsString(2),
                        e.paramAsString(3),
                        e.paramAsString(4)));
            case "userdeleted" -> users.removeUser((int) e.paramAsLong(0));
            case "groupadded" -> users.addGroup((int) e.paramAsLong(0), e.paramAsString(1));
            case "groupdeleted" -> users.removeGroup((int) e.paramAsLong(0));
            default -> {}
        }
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
