// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import sysql.capture.CaptureException;
import sysql.capture.columnar.ColumnarReader;
import sysql.capture.columnar.EventColumns;
import sysql.capture.fields.EventContext;
import sysql.capture.scap.ScapFileSource;

/**
 * A scan of a sysdig {@code .scap} file: its process, fd and user lists seed the state (as /proc does live),
 * then every event goes through the state tracker and the rows the predicate keeps become columnar batches.
 */
public final class FileScan implements BatchCursor {
    private final ScapFileSource source;
    private final ColumnarReader reader;
    private final BufferAllocator allocator;
    private boolean ended;

    private FileScan(ScapFileSource source, ColumnarReader reader, BufferAllocator allocator) {
        this.source = source;
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
        try {
            EventContext context =
                    EventContext.forCaptureFile(source.initialState()).bufferPrintLength(bufferPrintLength);
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
        if (!reader.next(0)) {
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
        return ended ? Long.MAX_VALUE : reader.lastEventTs();
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
