// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

/**
 * What a file descriptor refers to, with sysdig's names ({@code fd.type}) and type characters
 * ({@code fd.typechar}).
 */
public enum FdType {
    FILE("file", 'f'),
    DIRECTORY("directory", 'd'),
    IPV4("ipv4", '4'),
    IPV6("ipv6", '6'),
    UNIX("unix", 'u'),
    PIPE("pipe", 'p'),
    EVENT("event", 'e'),
    SIGNALFD("signalfd", 's'),
    EVENTPOLL("eventpoll", 'l'),
    INOTIFY("inotify", 'i'),
    TIMERFD("timerfd", 't'),
    NETLINK("netlink", 'n'),
    BPF("bpf", 'b'),
    USERFAULTFD("userfaultfd", 'u'),
    IO_URING("io_uring", 'r'),
    MEMFD("memfd", 'm'),
    UNKNOWN("unknown", 'o');

    private final String sysdigName;
    private final char typeChar;

    FdType(String sysdigName, char typeChar) {
        this.sysdigName = sysdigName;
        this.typeChar = typeChar;
    }

    /** sysdig's {@code fd.type} value. */
    public String sysdigName() {
        return sysdigName;
    }

    /** sysdig's {@code fd.typechar} value. */
    public char typeChar() {
        return typeChar;
    }

    public boolean isSocket() {
        return this == IPV4 || this == IPV6 || this == UNIX || this == NETLINK;
    }

    public boolean isInet() {
        return this == IPV4 || this == IPV6;
    }
}
