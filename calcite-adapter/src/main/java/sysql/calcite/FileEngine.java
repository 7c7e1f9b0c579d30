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
import sysql.capture.scap.ScapFileSource;

/**
 * A sysdig {@code .scap} file as the source of events: every scan reads the file from its start (its own
 * process and fd lists seed the state), so history and stream are the same events; the state tables show what
 * the file recorded before its first event.
 */
public final class FileEngine implements SysqlEngine {
    private final Path file;
    private final int snaplen;

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
        return FileScan.open(file, request, new RootAllocator(), snaplen);
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
        try (ScapFileSource source = ScapFileSource.open(file);
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
        return "file " + file + (snaplen != EventContext.DEFAULT_BUFFER_PRINT_LENGTH ? ", snaplen " + snaplen : "");
    }
}
