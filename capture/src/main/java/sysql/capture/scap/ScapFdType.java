// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

/** File descriptor types of the capture format (libscap {@code scap_fd_type}), with their codes. */
public enum ScapFdType {
    UNKNOWN(0),
    FILE(1),
    DIRECTORY(2),
    IPV4_SOCK(3),
    IPV6_SOCK(4),
    IPV4_SERVSOCK(5),
    IPV6_SERVSOCK(6),
    FIFO(7),
    UNIX_SOCK(8),
    EVENT(9),
    UNSUPPORTED(10),
    SIGNALFD(11),
    EVENTPOLL(12),
    INOTIFY(13),
    TIMERFD(14),
    NETLINK(15),
    /** A regular file with its open flags (and, in newer files, its device). */
    FILE_V2(16),
    BPF(17),
    USERFAULTFD(18),
    IOURING(19),
    MEMFD(20),
    PIDFD(21);

    private static final ScapFdType[] BY_CODE = new ScapFdType[22];

    static {
        for (ScapFdType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    ScapFdType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type with this code, or null. */
    public static ScapFdType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
