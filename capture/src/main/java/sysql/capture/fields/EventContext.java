package sysql.capture.fields;

import sysql.capture.Event;
import sysql.capture.state.FdInfo;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadInfo;
import sysql.capture.state.Users;

/**
 * What extractors read for the current event: the event itself, its number in the stream, and the state
 * tracker's view right after it (thread, descriptor, paired enter). One context serves a whole stream;
 * {@link #advance(Event)} moves it to the next event.
 */
public final class EventContext {
    private final StateTracker tracker;
    private final Users users;
    private Event event;
    private long num;
    /** The last evt.latency.human text, which sysdig shows again for an event without a thread. */
    String lastLatencyText = "";

    public EventContext(StateTracker tracker, Users users) {
        this.tracker = tracker;
        this.users = users;
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

    public Event event() { return event; }
    public long num() { return num; }
    public ThreadInfo thread() { return tracker.thread(); }
    public FdInfo fd() { return tracker.fd(); }
    public StateTracker tracker() { return tracker; }
    public Users users() { return users; }
    /** The enter event paired with the current exit event, or null. */
    public Event pairedEnter() { return tracker.pairedEnter(); }
}
