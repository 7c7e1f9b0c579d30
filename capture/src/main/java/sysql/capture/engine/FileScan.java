// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import sysql.capture.CaptureException;
import sysql.capture.EventSource;
import sysql.capture.columnar.ColumnarReader;
import sysql.capture.columnar.EventColumns;
import sysql.capture.fields.EventContext;
import sysql.capture.scap.InitialState;
import sysql.capture.scap.ReplaySource;
import sysql.capture.scap.ScapFileSource;

/**
 * A scan of a sysdig {@code .scap} file: its process, fd and user lists seed the state (as /proc does live),
 * then every event goes through the state tracker and the rows the predicate keeps become columnar batches. Over
 * a {@link ReplaySource} the file plays as if live: a batch comes as its events fall due, and the watermark moves
 * with the replay's clock.
 */
public final class FileScan implements BatchCursor {
    private final EventSource source;
    private final ReplaySource replay;
    private final ColumnarReader reader;
    private final BufferAllocator allocator;
    private boolean ended;

    private FileScan(EventSource source, ColumnarReader reader, BufferAllocator allocator) {
        this.source = source;
        this.replay = source instanceof ReplaySource r ? r : null;
        this.reader = reader;
        this.allocator = allocator;
    }

    /**
     * Opens {@code file} for {@code request}; errors name the file and what is wrong with it. The scan takes
     * {@code allocator} (and closes it with itself).
     */
    public static FileScan open(Path file, ScanRequest request, BufferAllocator allocator) throws CaptureException {
        return open(file, request, allocator, EventContext.DEFAULT_BUFFER_PRINT_LENGTH);
    }

    /**
     * As {@link #open(Path, ScanRequest, BufferAllocator)}, with the print length of buffer text (the snaplen
     * setting: sysdig's {@code -s} for a file is its print length, see {@link EventContext#bufferPrintLength(int)}).
     */
    public static FileScan open(Path file, ScanRequest request, BufferAllocator allocator, int bufferPrintLength)
            throws CaptureException {
        ScapFileSource source;
        try {
            source = ScapFileSource.open(file);
        } catch (CaptureException | RuntimeException e) {
            allocator.close();
            throw e;
        }
        return open(source, request, allocator, bufferPrintLength);
    }

    /**
     * As {@link #open(Path, ScanRequest, BufferAllocator, int)}, over a capture file already open (the scan takes
     * it, and closes it with itself).
     */
    public static FileScan open(
            ScapFileSource source, ScanRequest request, BufferAllocator allocator, int bufferPrintLength) {
        return open(source, source.initialState(), request, allocator, bufferPrintLength);
    }

    /** As {@link #open(ScapFileSource, ScanRequest, BufferAllocator, int)}, over a file played as if live. */
    public static FileScan open(
            ReplaySource source, ScanRequest request, BufferAllocator allocator, int bufferPrintLength) {
        return open(source, source.initialState(), request, allocator, bufferPrintLength);
    }

    private static FileScan open(
            EventSource source,
            InitialState initialState,
            ScanRequest request,
            BufferAllocator allocator,
            int bufferPrintLength) {
        try {
            EventContext context = EventContext.forCaptureFile(initialState).bufferPrintLength(bufferPrintLength);
            return new FileScan(
                    source,
                    new ColumnarReader(
                            source, context, request.fields(), request.predicate(), allocator, request.rowsPerBatch()),
                    allocator);
        } catch (RuntimeException e) {
            source.close();
            allocator.close();
            throw e;
        }
    }

    @Override
    public EventColumns next(long timeoutMillis) throws CaptureException {
        if (ended) {
            return null;
        }
        // a file never waits; a replay waits for its next event to fall due
        if (!reader.next(replay == null ? 0 : timeoutMillis)) {
            ended = true;
            return null;
        }
        EventColumns c = reader.columns();
        return c.rowCount() > 0 ? c : null;
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public long watermark() {
        if (ended) {
            return Long.MAX_VALUE;
        }
        // every event the replay still holds is stamped after what it handed out; those handed out but not yet
        // read are at least as late as the last one read
        return replay != null && reader.drained()
                ? Math.max(reader.lastEventTs(), replay.handedThrough())
                : reader.lastEventTs();
    }

    @Override
    public String warning() {
        return reader.warning();
    }

    @Override
    public void close() {
        reader.close();
        source.close();
        allocator.close();
    }
}
