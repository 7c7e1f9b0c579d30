// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a connection's queries said about their results beside their rows: a scan over a window that lost events
 * (the history's {@code sysql.drops} notices) leaves a warning here when it ends. The warnings are the
 * connection's own (a connection is the key: Calcite's {@code DataContext.getQueryProvider()} at run time, the
 * {@code CalciteConnection} when read), the last {@link #KEPT} of them, each numbered; they are read with SQL
 * ({@code SELECT * FROM query_warnings}, so a client of {@code sysql daemon} reads its own) or, in the same
 * process, with {@link #since}. Keys are held weakly: a closed connection's warnings go with it.
 */
public final class QueryWarnings {
    /** Warnings kept per connection (the oldest go first). */
    public static final int KEPT = 100;

    /** One warning: its number (increasing, process-wide), its time (ms since the epoch) and its text. */
    public record Warning(long seq, long timeMillis, String text) {}

    private static final Map<Object, Deque<Warning>> BY_CONNECTION = Collections.synchronizedMap(new WeakHashMap<>());
    private static final AtomicLong SEQ = new AtomicLong();

    private QueryWarnings() {}

    /** Keeps {@code text} for {@code connection} (nothing when either is null). */
    public static void add(Object connection, String text) {
        if (connection == null || text == null) {
            return;
        }
        Warning w = new Warning(SEQ.incrementAndGet(), System.currentTimeMillis(), text);
        synchronized (BY_CONNECTION) {
            Deque<Warning> d = BY_CONNECTION.computeIfAbsent(connection, c -> new ArrayDeque<>());
            if (d.size() >= KEPT) {
                d.removeFirst();
            }
            d.addLast(w);
        }
    }

    /** The warnings of {@code connection} numbered above {@code seq}, oldest first. */
    public static List<Warning> since(Object connection, long seq) {
        synchronized (BY_CONNECTION) {
            Deque<Warning> d = BY_CONNECTION.get(connection);
            List<Warning> out = new ArrayList<>();
            if (d != null) {
                for (Warning w : d) {
                    if (w.seq() > seq) {
                        out.add(w);
                    }
                }
            }
            return out;
        }
    }
}
