// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.arrow.memory.RootAllocator;
import sysql.capture.CaptureException;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.engine.BatchCursor;
import sysql.capture.engine.CaptureHub;
import sysql.capture.engine.FileScan;
import sysql.capture.engine.ScanRequest;
import sysql.capture.fields.EventContext;
import sysql.capture.scap.ReplaySource;
import sysql.capture.scap.ScapDirectory;
import sysql.capture.scap.ScapFileSource;

/**
 * A sysdig {@code .scap} file as the source of events: every scan reads the file from its start (its own
 * process and fd lists seed the state), so history and stream are the same events; the state tables show what
 * the file recorded before its first event.
 */
public final class FileEngine implements SysqlEngine {
    private final Path file;
    private final int snaplen;
    /** Where a server's client may read files (every open checked again), null for any path. */
    private final ScapDirectory under;
    /** The path as the client named it (under a {@link ScapDirectory}), for the refusal. */
    private final String named;
    /** Played as if live at this many times its recorded pace ({@link ReplaySource}), or 0: read at once. */
    private final double replaySpeed;

    /** A file read with the default snaplen (80): buffer text as {@code sysdig -r FILE -p} prints it. */
    public FileEngine(Path file) throws CaptureException {
        this(file, EventContext.DEFAULT_BUFFER_PRINT_LENGTH);
    }

    /**
     * A file read with {@code snaplen} as the print length of buffer text: a buffer the file holds more of is cut
     * to it (ending in "..."), as sysdig's print length cuts it; raw bytes (evt.rawarg.data) are all the file has.
     *
     * @throws CaptureException if the file cannot be read as a capture file
     */
    public FileEngine(Path file, int snaplen) throws CaptureException {
        this(file, snaplen, 0);
    }

    /**
     * As {@link #FileEngine(Path, int)}; with a {@code replaySpeed} above 0 every scan plays the file as if live,
     * at that many times its recorded pace, its event times moved to now (see {@link ReplaySource}).
     */
    public FileEngine(Path file, int snaplen, double replaySpeed) throws CaptureException {
        if (Files.isDirectory(file)) {
            throw new CaptureException(
                    CaptureException.Reason.IO,
                    "cannot read capture file " + file + ": it is a directory; name a .scap file");
        }
        if (!Files.isReadable(file)) {
            throw new CaptureException(
                    CaptureException.Reason.IO,
                    "cannot read capture file " + file + ": it does not exist or is not readable");
        }
        this.file = file;
        this.snaplen = snaplen;
        this.under = null;
        this.named = null;
        this.replaySpeed = replaySpeed;
    }

    /**
     * The capture file {@code named} names under {@code under} (a server's {@code --scap-dir}), read with {@code
     * snaplen}: every open checks again that it is a regular file there, without blocking (see {@link
     * ScapDirectory}); a path that is not one is refused with {@link #refusal(String)}, whatever the reason.
     *
     * @throws CaptureException with {@link #refusal(String)} if it is missing, outside, or not a regular file
     */
    public FileEngine(ScapDirectory under, String named, int snaplen) throws CaptureException {
        try {
            this.file = under.resolve(named);
        } catch (ScapDirectory.Refused e) {
            throw refused(named);
        }
        this.snaplen = snaplen;
        this.under = under;
        this.named = named;
        this.replaySpeed = 0;
    }

    /**
     * The one refusal of {@code scap_file} under a server's {@code --scap-dir}: the same for a missing file, one
     * outside the directory and one that is not a regular file, so a client cannot probe the server's files.
     */
    public static String refusal(String path) {
        // the client's own path, on one line and not too long
        String p = path.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .limit(256)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return "scap_file: no capture file '" + p + (path.length() > p.length() ? "...'" : "'")
                + " under the server's --scap-dir";
    }

    private static CaptureException refused(String named) {
        return new CaptureException(CaptureException.Reason.IO, refusal(named));
    }

    /** Opens the file: through {@link #under} when there is one (non-blocking, checked again). */
    private ScapFileSource openSource() throws CaptureException {
        if (under == null) {
            return ScapFileSource.open(file);
        }
        try {
            return under.open(file.toString());
        } catch (ScapDirectory.Refused e) {
            throw refused(named);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public BatchCursor stream(ScanRequest request) throws CaptureException {
        return history(request);
    }

    @Override
    public BatchCursor history(ScanRequest request) throws CaptureException {
        if (replaySpeed > 0) {
            return FileScan.open(new ReplaySource(openSource(), replaySpeed), request, new RootAllocator(), snaplen);
        }
        if (under == null) {
            return FileScan.open(file, request, new RootAllocator(), snaplen);
        }
        ScapFileSource source = openSource();
        return FileScan.open(source, request, new RootAllocator(), snaplen);
    }

    @Override
    public CaptureHub.StateSnapshot state() throws CaptureException {
        // the state as sysdig's ps, lsof, netstat and lscontainers print it from a file: what the file
        // recorded before its events, then its first event and the metadata before it (container
        // descriptions) applied
        return stateAfter(true);
    }

    /** The state once every event of the file has been applied (a thread's exit as its last event included). */
    @Override
    public CaptureHub.StateSnapshot stateAtEnd() throws CaptureException {
        return stateAfter(false);
    }

    private CaptureHub.StateSnapshot stateAfter(boolean firstRowOnly) throws CaptureException {
        try (ScapFileSource source = openSource();
                EventBatch batch = new EventBatch()) {
            EventContext ctx = EventContext.forCaptureFile(source.initialState());
            Event e = new Event();
            boolean done = false;
            long lastTs = -1;
            while (!done && source.fill(batch, 0)) {
                while (!done && batch.next(e)) {
                    ctx.advance(e);
                    lastTs = e.ts();
                    done = firstRowOnly && ctx.isRow();
                }
            }
            return new CaptureHub.StateSnapshot(ctx.tracker().threads(), ctx.users(), firstRowOnly ? -1 : lastTs);
        }
    }

    @Override
    public Optional<CaptureHub.Stats> stats() {
        return Optional.empty();
    }

    @Override
    public boolean isLive() {
        return false;
    }

    @Override
    public String describe() {
        return "file " + file + (replaySpeed > 0 ? ", replayed at " + replaySpeed + "x" : "")
                + (snaplen != EventContext.DEFAULT_BUFFER_PRINT_LENGTH ? ", snaplen " + snaplen : "");
    }
}
