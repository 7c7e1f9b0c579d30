// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sysql.capture.CaptureException;
import sysql.capture.CaptureStats;
import sysql.capture.DropNotices;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.LiveCapture;
import sysql.capture.scap.InitialState;
import sysql.capture.scap.ScapFileWriter;
import sysql.capture.state.InitialStateSnapshot;
import sysql.capture.state.ProcfsReader;
import sysql.capture.state.ThreadTable;

/**
 * {@code sysql capture -w FILE}: writes a live capture to a sysdig {@code .scap} file (the host's processes, fds,
 * users and interfaces at the start, then every event) until Ctrl-C/SIGTERM, {@code --duration} or
 * {@code --count}; ends with one summary line on stderr: events written, and the driver's drops. Where the rings
 * lost events, the file holds a {@code sysql.drops} notice ({@link DropNotices}).
 */
@Command(
        name = "capture",
        mixinStandardHelpOptions = true,
        description = "Write a live capture to a .scap file (sysdig -r and sysql read it) until Ctrl-C, "
                + "--duration or --count; print the events written and the drops.")
final class CaptureCommand implements Callable<Integer> {
    @Mixin
    CaptureOptions capture = new CaptureOptions();

    @Option(
            names = {"-w", "--write"},
            paramLabel = "FILE",
            description = "The .scap file to write (replaced if it exists).")
    Path file;

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

    /** The first problem with the arguments, as a message that says what to do; null when they are fine. */
    private String checkArguments() {
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
        return null;
    }
}
