// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sysql.capture.CaptureException;
import sysql.capture.CaptureStats;
import sysql.capture.DropNotices;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.LiveCapture;
import sysql.capture.engine.CaptureHub;
import sysql.capture.scap.InitialState;
import sysql.capture.scap.ScapFileWriter;
import sysql.capture.state.InitialStateSnapshot;
import sysql.capture.state.ProcfsReader;
import sysql.capture.state.ThreadTable;
import sysql.jdbc.SysqlDriver;

/**
 * {@code sysql capture -w FILE}: writes a live capture to a sysdig {@code .scap} file (the host's processes, fds,
 * users and interfaces at the start, then every event) until Ctrl-C/SIGTERM, {@code --duration} or
 * {@code --count}; ends with one summary line on stderr: events written, and the driver's drops. Where the rings
 * lost events, the file holds a {@code sysql.drops} notice ({@link DropNotices}). With {@code --format arrow}
 * (or a {@code -w} name ending in {@code .arrow}) it writes the events' rows instead, as an Arrow IPC stream with
 * every column of the field catalog ({@link ArrowCapture}).
 */
@Command(
        name = "capture",
        mixinStandardHelpOptions = true,
        description = "Write a live capture to a .scap file (sysdig -r and sysql read it), or with --format arrow "
                + "an Arrow IPC stream of its events' rows, until Ctrl-C, --duration or --count; print the events "
                + "written and the drops.")
final class CaptureCommand implements Callable<Integer> {
    @Mixin
    CaptureOptions capture = new CaptureOptions();

    @Option(
            names = {"-w", "--write"},
            paramLabel = "FILE",
            description = "The file to write (replaced if it exists).")
    Path file;

    /** What {@code -w} writes. */
    enum Format {
        SCAP,
        ARROW
    }

    @Option(
            names = "--format",
            paramLabel = "scap|arrow",
            description = "scap: a sysdig capture file (the default); arrow: an Arrow IPC stream of the events' rows,"
                    + " the columns of SELECT STREAM * FROM events, complete after Ctrl-C. A -w name ending in"
                    + " .arrow selects arrow.")
    Format format;

    @Option(
            names = {"-d", "--duration"},
            paramLabel = "SECONDS",
            description = "Stop after this many seconds.")
    Double durationSeconds;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "EVENTS",
            description = "Stop after writing this many events.")
    Long count;

    @Option(names = "--gzip", description = "Compress the file with gzip (sysdig and sysql read both forms).")
    boolean gzip;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        String problem = checkArguments();
        if (problem != null) {
            err.println("sysql capture: " + problem);
            return 1;
        }
        if (format() == Format.ARROW) {
            return new ArrowCapture().run(err);
        }
        long limit = count != null ? count : Long.MAX_VALUE;
        try (StopSignal stop = new StopSignal();
                LiveCapture live = capture.open();
                EventBatch batch = new EventBatch()) {
            // Start first, then read /proc: a process that changes in between shows up in the events.
            live.start();
            ThreadTable threads = new ThreadTable(new ProcfsReader());
            new ProcfsReader().readAll(threads);
            InitialState initial = InitialStateSnapshot.live(threads);
            long written;
            long droppedNotices;
            long bytes;
            try (ScapFileWriter writer = ScapFileWriter.create(
                    file, initial, ScapFileWriter.Options.defaults().withGzip(gzip))) {
                err.println("sysql capture: writing " + file + (gzip ? " (gzip)" : "") + "; Ctrl-C stops");
                err.flush();
                long deadline =
                        durationSeconds != null ? System.nanoTime() + (long) (durationSeconds * 1e9) : Long.MAX_VALUE;
                Event e = new Event();
                // where the rings lost events, the file says so (DropNotices: sysdig's own files record none)
                DropNotices notices = new DropNotices();
                notices.reset(live.stats(), DropNotices.wallNanos());
                long lastCheck = System.nanoTime();
                // --count counts the capture's events: the notices are beside them
                long noticesWritten = 0;
                while (!stop.raised()
                        && System.nanoTime() < deadline
                        && writer.eventsWritten() - noticesWritten < limit) {
                    live.fill(batch, 100);
                    write(writer, batch, e, limit + noticesWritten);
                    if (System.nanoTime() - lastCheck >= 100_000_000L) {
                        lastCheck = System.nanoTime();
                        noticesWritten += notices.check(
                                live.stats(), DropNotices.HistoryLoss.NONE, DropNotices.wallNanos(), writer::write);
                    }
                }
                live.stop();
                // What the rings still hold after the probe detached was captured before the end: keep it.
                while (writer.eventsWritten() - noticesWritten < limit) {
                    live.fill(batch, 0);
                    if (batch.count() == 0) {
                        break;
                    }
                    write(writer, batch, e, limit + noticesWritten);
                }
                noticesWritten += notices.check(
                        live.stats(), DropNotices.HistoryLoss.NONE, DropNotices.wallNanos(), writer::write);
                written = writer.eventsWritten() - noticesWritten;
                droppedNotices = noticesWritten;
                bytes = writer.bytesWritten();
            }
            CaptureStats s = live.stats();
            err.printf(
                    "sysql capture: %d events written to %s (%d bytes%s%s); driver: %d events, %d dropped "
                            + "(ring full %d), %d filtered%s%n",
                    written,
                    file,
                    bytes,
                    gzip ? " before gzip" : "",
                    droppedNotices > 0 ? ", and " + droppedNotices + " sysql.drops notices" : "",
                    s.events(),
                    s.drops(),
                    s.dropsFull(),
                    s.filtered(),
                    s.drops() > 0 ? " - the file misses events: use a larger --ring-size or narrow with -s/-x/-p" : "");
            err.flush();
            return 0;
        } catch (CaptureException ex) {
            err.println("sysql capture: " + ex.getMessage());
            return 1;
        }
    }

    /** Writes the batch, or only its first events when that reaches {@code limit}. */
    private static void write(ScapFileWriter writer, EventBatch batch, Event e, long limit) throws CaptureException {
        if (writer.eventsWritten() + batch.count() <= limit) {
            writer.write(batch);
            return;
        }
        while (writer.eventsWritten() < limit && batch.next(e)) {
            writer.write(e);
        }
    }

    /** The format: {@code --format}, else arrow for a {@code -w} name ending in {@code .arrow}, else scap. */
    Format format() {
        if (format != null) {
            return format;
        }
        Path name = file == null ? null : file.getFileName();
        return name != null && name.toString().endsWith(".arrow") ? Format.ARROW : Format.SCAP;
    }

    /** The first problem with the arguments, as a message that says what to do; null when they are fine. */
    String checkArguments() {
        if (file == null) {
            return "give the file to write: sysql capture -w FILE";
        }
        if (Files.isDirectory(file)) {
            return file + " is a directory: give -w a file path, e.g. " + file.resolve("capture.scap");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            return "directory " + dir + " does not exist: create it, or give -w a path in an existing directory";
        }
        if (dir != null && !Files.isWritable(dir)) {
            return "cannot write in " + dir + ": give -w a path in a directory you can write to";
        }
        if (durationSeconds != null && !(durationSeconds > 0)) {
            return "--duration " + durationSeconds + " is invalid: give a number of seconds above 0";
        }
        if (count != null && count <= 0) {
            return "--count " + count + " is invalid: give a number of events above 0";
        }
        String options = capture.problem();
        if (options != null) {
            return options;
        }
        if (format() == Format.ARROW) {
            if (gzip) {
                return "--gzip compresses a .scap file, not an Arrow stream: leave it out, or write --format scap";
            }
            int[] thread = capture.threadOfAnotherProcess();
            if (thread != null) {
                return "-p " + thread[0] + " is a thread of process " + thread[1] + ": the arrow format selects "
                        + "processes (every thread of each), so give -p " + thread[1] + ", or write --format scap";
            }
        }
        return null;
    }

    /**
     * The query whose rows the arrow format writes: every column of {@code events} (as {@code sysql query --format
     * arrow "SELECT STREAM * FROM events"} gives them), narrowed by {@code -s}/{@code -x}/{@code -p} in forms the
     * engine pushes into the kernel probe ({@link CaptureOptions#eventsPredicate}); {@code --count} is its LIMIT.
     */
    String arrowQuery() throws CaptureException {
        String where = capture.eventsPredicate();
        return "SELECT STREAM * FROM events" + (where == null ? "" : " WHERE " + where)
                + (count == null ? "" : " LIMIT " + count);
    }

    /**
     * {@code --format arrow}: {@link #arrowQuery} on a connection that captures as the options say ({@link
     * CaptureOptions#connectOptions}: snaplen, ring size, driver, no history), its rows written by {@link
     * ArrowResultWriter} until {@code --count} rows (its LIMIT: a {@code sysql.drops} notice is a row too), or
     * until Ctrl-C/SIGTERM ({@link Interrupts}) or {@code --duration} (counted from when the stream runs) stop it:
     * what was captured before the stop is let through ({@link #drain}), then the statement is cancelled. The
     * stream ends with its end marker either way. Exits 0, or 143 after SIGTERM (as {@code sysql query} does). The
     * summary's drops are the driver's ({@link SysqlDriver#liveStats}: the connection's own capture, still open
     * then), and the rows the query lost because the writer fell behind the stream (its subscription's, sampled
     * while it runs): the stream's {@code sysql.drops} notices record the driver's losses in the rows, not these.
     */
    private final class ArrowCapture {
        /** The longest a stop waits for what was captured before it to reach the file. */
        private static final long DRAIN_NANOS = 3_000_000_000L;

        private final AtomicReference<Statement> running = new AtomicReference<>();
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final AtomicLong rowsRead = new AtomicLong();
        private volatile boolean stopped;

        /**
         * Stops the stream (Ctrl-C, SIGTERM, --duration): on a thread of its own, lets what was captured before
         * now reach the file ({@link #drain}), then cancels the statement running, or the next as soon as it runs.
         */
        private void stop() {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            Thread t = new Thread(
                    () -> {
                        drain();
                        stopped = true;
                        cancel(running.get());
                    },
                    "sysql-capture-stop");
            t.setDaemon(true);
            t.start();
        }

        /**
         * Waits, at most {@link #DRAIN_NANOS}, until what the kernel had captured by now is in the rows written (as
         * the scap format writes what the rings hold when it stops): until the capture thread has seen as many
         * events as the driver had written to the rings now (its first rows take a while: the code that builds them
         * warms up), then until the writer has read every row handed to it, twice 0.15 s apart (a round later, rows
         * the stream kept while its reader was behind are handed over too). A busy host whose stream outruns the
         * writer takes the whole time: its last rows are the newest the writer read.
         */
        private void drain() {
            long deadline = System.nanoTime() + DRAIN_NANOS;
            Optional<CaptureHub.Stats> stats = SysqlDriver.liveStats();
            if (stats.isEmpty() || stats.get().subscriptions().isEmpty()) {
                return; // not streaming yet, or any more
            }
            long captured = stats.get().driver().events();
            boolean caughtUp = false;
            while (System.nanoTime() < deadline) {
                stats = SysqlDriver.liveStats();
                if (stats.isEmpty() || stats.get().subscriptions().isEmpty()) {
                    return;
                }
                long pause = 10;
                if (stats.get().eventsSeen() >= captured) {
                    long handed = stats.get().subscriptions().stream()
                            .mapToLong(CaptureHub.SubscriptionStats::deliveredRows)
                            .sum();
                    if (rowsRead.get() >= handed) {
                        if (caughtUp) {
                            return;
                        }
                        caughtUp = true;
                        pause = 150;
                    } else {
                        caughtUp = false;
                    }
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        int run(PrintStream err) {
            String sql;
            try {
                sql = arrowQuery();
            } catch (CaptureException e) {
                err.println("sysql capture: " + e.getMessage());
                return 1;
            }
            Interrupts interrupts = Interrupts.install(this::stop);
            Timer timer = new Timer("sysql-capture-duration", true);
            Watch watch = new Watch(() -> {
                err.println("sysql capture: writing " + file + " (arrow); Ctrl-C stops");
                err.flush();
                if (durationSeconds != null) {
                    // --duration counts from here, as the scap format's from the probe's start
                    try {
                        timer.schedule(
                                new TimerTask() {
                                    @Override
                                    public void run() {
                                        stop();
                                    }
                                },
                                Math.max(1, (long) (durationSeconds * 1000)));
                    } catch (IllegalStateException ended) {
                        // the stream ended meanwhile: the timer is cancelled, nothing to stop
                    }
                }
            });
            ArrowResultWriter.Written written;
            CaptureHub.Stats stats;
            long bytes;
            try (Connection c = capture.connectOptions().connect();
                    Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery(sql);
                        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                    // a stop cancels the statement once it runs (not while it is planned: that would be an error)
                    running.set(st);
                    if (stopped) {
                        cancel(st); // a stop that came while it started: an empty, complete stream
                    }
                    watch.start();
                    written = ArrowResultWriter.writeRows(rs, out, rowsRead);
                    watch.sample(false); // the subscription, if the end left it: ours is the process's one stream
                } finally {
                    running.set(null);
                }
                watch.close();
                stats = SysqlDriver.liveStats().orElse(null); // the connection holds the capture: still there
                bytes = Files.size(file);
            } catch (SQLException e) {
                err.println("sysql capture: " + e.getMessage());
                return 1;
            } catch (IOException | UncheckedIOException e) {
                err.println("sysql capture: cannot write to " + file + ": " + e.getMessage());
                return 1;
            } catch (RuntimeException e) {
                // Arrow's own failures (its memory access without java.nio opened to it: the launcher opens it)
                err.println("sysql capture: cannot write the Arrow stream to " + file + ": " + e.getMessage());
                return 1;
            } finally {
                watch.close();
                timer.cancel();
                interrupts.close();
            }
            SQLException ended = written.ended();
            if (ended != null && !stopped) {
                // what ended the rows was no stop of ours: the file is complete up to it, the command failed
                err.println("sysql capture: " + ended.getMessage() + " (" + written.rows() + " events written to "
                        + file + ", a complete Arrow stream)");
                return 1;
            }
            long lost = watch.lost();
            err.printf(
                    "sysql capture: %d events written to %s (%d bytes, Arrow IPC stream%s); driver: %s%s%n",
                    written.rows(),
                    file,
                    bytes,
                    lost > 0 ? ", and " + lost + " rows lost: the writer fell behind the stream" : "",
                    stats == null
                            ? "no statistics (the capture ended)"
                            : String.format(
                                    "%d events, %d dropped (ring full %d), %d filtered",
                                    stats.driver().events(),
                                    stats.driver().drops(),
                                    stats.driver().dropsFull(),
                                    stats.driver().filtered()),
                    (stats != null && stats.driver().drops() > 0) || lost > 0
                            ? " - the file misses events: use a larger --ring-size or narrow with -s/-x/-p"
                            : "");
            err.flush();
            return interrupts.terminated() ? 143 : 0;
        }
    }

    private static void cancel(Statement st) {
        if (st != null) {
            try {
                st.cancel();
            } catch (SQLException e) {
                // the statement is ending anyway
            }
        }
    }

    /**
     * Watches the process's live capture while the arrow format's stream runs: says once that the stream is
     * subscribed (from then on every event the query selects is in the file), and keeps the most rows its
     * subscription lost (every 0.1 s, and a last time at the end).
     */
    private static final class Watch implements AutoCloseable {
        private final Runnable subscribed;
        private final Thread thread;
        private final Object lock = new Object();
        private boolean announced;
        private long lost;
        private volatile boolean closed;

        Watch(Runnable subscribed) {
            this.subscribed = subscribed;
            this.thread = new Thread(
                    () -> {
                        while (!closed) {
                            sample(true);
                            try {
                                Thread.sleep(100);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "sysql-capture-watch");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        /** Reads the subscription's lost rows; the first time it is there, says so if {@code announce}. */
        void sample(boolean announce) {
            Optional<CaptureHub.Stats> stats = SysqlDriver.liveStats();
            if (stats.isEmpty() || stats.get().subscriptions().isEmpty()) {
                return;
            }
            long dropped = stats.get().subscriptions().stream()
                    .mapToLong(CaptureHub.SubscriptionStats::droppedRows)
                    .sum();
            synchronized (lock) {
                lost = Math.max(lost, dropped);
                if (announce && !announced && !closed) {
                    announced = true;
                    subscribed.run();
                }
            }
        }

        long lost() {
            synchronized (lock) {
                return lost;
            }
        }

        @Override
        public void close() {
            closed = true;
            thread.interrupt();
            try {
                if (thread.isAlive()) {
                    thread.join(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
