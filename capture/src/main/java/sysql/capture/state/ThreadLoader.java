// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

/**
 * Where a {@link ThreadTable} looks up a thread it first sees mid-stream: /proc for a live capture
 * ({@link ProcfsReader}), the recorder's copies of what the live table loaded when a recording is replayed.
 */
public interface ThreadLoader {
    /** The thread as it is now, or null when the source does not know it. */
    ThreadInfo load(long tid, ThreadTable table);
}
