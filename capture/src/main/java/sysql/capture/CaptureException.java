// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

/** A capture problem with a one-line message that names the cause and what to do. */
public final class CaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong; mirrors libsysqlcap's SQ_ERR_* codes, plus the Java-side ones. */
    public enum Reason {
        PRIVILEGE(1),
        NO_BTF(2),
        NO_RINGBUF(3),
        INVALID_ARGUMENT(4),
        LOAD(5),
        ATTACH(6),
        NO_MEMORY(7),
        STATE(8),
        IO(9),
        /** The driver asked for is not on this host (for {@code auto}: neither is). */
        NO_DRIVER(10),
        /** The kernel module's device serves one reader, and has one. */
        BUSY(11),
        NATIVE_LIBRARY(100),
        /** A capture file that is damaged, truncated or not in a format sysql reads. */
        FILE_FORMAT(101),
        UNKNOWN(-1);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Reason ofCode(int code) {
            for (Reason r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            return UNKNOWN;
        }
    }

    private final Reason reason;

    public CaptureException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public CaptureException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
