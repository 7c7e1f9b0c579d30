// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;

/**
 * JNA binding of libsysqlcap (driver-kmod/lib/sysqlcap.h), loaded from the classpath
 * ({@code linux-x86-64/libsysqlcap.so} in the driver jar). Direct mapping: one native call per batch, never
 * per event.
 */
final class CaptureLibrary {
    static final String NAME = "sysqlcap";
    private static final Throwable LOAD_ERROR;

    static {
        Throwable error = null;
        try {
            Native.register(CaptureLibrary.class, NAME);
        } catch (Throwable t) {
            error = t;
        }
        LOAD_ERROR = error;
    }

    private CaptureLibrary() {}

    /** Throws a clear error if the native library could not be loaded. */
    static void ensureLoaded() throws CaptureException {
        if (LOAD_ERROR != null) {
            throw new CaptureException(
                    CaptureException.Reason.NATIVE_LIBRARY,
                    "cannot load libsysqlcap ("
                            + LOAD_ERROR.getMessage().lines().findFirst().orElse("") + "): sysql "
                            + "runs on Linux x86_64; rebuild with ./sysql, which installs libelf1 and zlib1g",
                    LOAD_ERROR);
        }
    }

    static native Pointer sq_open(
            int driver, int ringBytes, int snaplen, String btfPath, IntByReference errCode, byte[] err, long errlen);

    static native int sq_driver(Pointer c);

    static native int sq_narrow(Pointer c);

    static native int sq_start(Pointer c);

    static native int sq_stop(Pointer c);

    static native int sq_set_snaplen(Pointer c, int snaplen);

    static native int sq_set_syscall(Pointer c, int nr, int on);

    static native int sq_set_all_syscalls(Pointer c, int on);

    static native int sq_set_syscalls(Pointer c, byte[] interest, int n);

    static native int sq_set_pid_filter(Pointer c, int mode, int[] pids, int n);

    static native int sq_set_sched_events(Pointer c, int on);
    /** comms: a {@link com.sun.jna.StringArray} of n names (null when n is 0). */
    static native int sq_set_comm_filter(Pointer c, Pointer comms, int n);

    static native int sq_next_batch(Pointer c, Pointer buf, int cap, int timeoutMs, IntByReference outBytes);

    static native int sq_ncpus(Pointer c);

    static native long sq_watermark(Pointer c);

    static native int sq_get_stats(Pointer c, long[] out, int n);

    static native int sq_get_delivered(
            Pointer c, LongByReference events, LongByReference bytes, LongByReference invalid);

    static native int sq_ring_bytes(Pointer c);

    static native String sq_last_error(Pointer c);

    static native void sq_close(Pointer c);
}
