// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import java.util.Optional;
import sysql.capture.CaptureException;
import sysql.capture.engine.BatchCursor;
import sysql.capture.engine.CaptureHub;
import sysql.capture.engine.ScanRequest;

/**
 * Where the schema's events and state come from: the live host (a shared {@link CaptureHub}) or a capture
 * file. {@code events} read without STREAM is {@link #history}; with STREAM, {@link #stream}.
 */
public interface SysqlEngine {
    /** The stream of events from now on (live), or the file's events once. */
    BatchCursor stream(ScanRequest request) throws CaptureException;

    /** The stream's history: what the recorder holds (live), or the whole file. */
    BatchCursor history(ScanRequest request) throws CaptureException;

    /** The thread, fd and user tables now (live), or as the file recorded them before its first event. */
    CaptureHub.StateSnapshot state() throws CaptureException;

    /**
     * The thread, fd and user tables after the last event: now (live, the same as {@link #state}), or as they are
     * when the file has been read to its end (what csysdig's views show once they have read a file).
     */
    default CaptureHub.StateSnapshot stateAtEnd() throws CaptureException {
        return state();
    }

    /**
     * Writes the history's events from {@code fromTs} to {@code toTs} (ns since the epoch, both included) to
     * {@code out} as one sysdig .scap file (its initial state the state at the window's first event); returns how
     * many events it holds. A capture file has no history beyond itself.
     */
    default long dumpHistory(long fromTs, long toTs, java.io.OutputStream out) throws CaptureException {
        throw new CaptureException(
                CaptureException.Reason.INVALID_ARGUMENT,
                "a capture file is its own history: copy " + describe() + " instead of dumping it");
    }

    /** The live capture's counters; empty for a file. */
    Optional<CaptureHub.Stats> stats() throws CaptureException;

    /** True for the live host (a kernel filter applies), false for a file. */
    boolean isLive();

    /** A short description for EXPLAIN and errors: {@code live} or the file's path. */
    String describe();
}
