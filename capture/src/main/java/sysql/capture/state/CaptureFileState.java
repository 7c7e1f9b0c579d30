package sysql.capture.state;

import java.net.InetAddress;
import sysql.capture.scap.InitialState;
import sysql.capture.scap.ProcessInfo;

/**
 * Seeds the thread table, the descriptor tables and the users from what a capture file records before its
 * first event, as a live capture seeds them from /proc and /etc.
 */
public final class CaptureFileState {
    private CaptureFileState() {}

    public static void seed(InitialState s, ThreadTable threads, Users users) {
        for (ProcessInfo p : s.processes()) {
            ThreadInfo t = new ThreadInfo(p.tid());
            t.pid = p.pid();
            t.ptid = p.ptid();
            t.sid = p.sid();
            t.vpgid = p.vpgid();
            t.comm = p.comm();
            t.exe = p.exe();
            t.exepath = p.exepath();
            t.args = p.args();
            t.env = p.env();
            t.cwd = p.cwd();
            t.fdLimit = p.fdlimit();
            t.uid = p.uid();
            t.gid = p.gid();
            t.loginUid = p.loginuid();
            t.vmSizeKb = p.vmsizeKb();
            t.vmRssKb = p.vmrssKb();
            t.vmSwapKb = p.vmswapKb();
            t.pfMajor = p.pfmajor();
            t.pfMinor = p.pfminor();
            t.vtid = p.vtid();
            t.vpid = p.vpid();
            t.tty = p.tty();
            t.cgroups = p.cgroups();
            t.containerId = Containers.idFromCgroups(p.cgroups());
            threads.put(t);
        }
        // A connected socket whose local port some process listens on is the server end (libscap records
        // local -> remote; sysdig shows client -> server).
        java.util.Set<Integer> listening = new java.util.HashSet<>();
        for (sysql.capture.scap.FdInfo f : s.fds()) {
            if (f.type() == sysql.capture.scap.FdType.IPV4_SERVSOCK
                    || f.type() == sysql.capture.scap.FdType.IPV6_SERVSOCK) {
                listening.add(f.sport());
            }
        }
        for (sysql.capture.scap.FdInfo f : s.fds()) {
            ThreadInfo owner = threads.get(f.tid());
            if (owner == null) {
                continue;
            }
            owner.fds.put(convert(f, listening.contains(f.sport())));
        }
        for (var u : s.users()) {
            users.addUser(new Users.User(u.uid(), u.gid(), u.name(), u.homedir(), u.shell()));
        }
        for (var g : s.groups()) {
            users.addGroup(g.gid(), g.name());
        }
    }

    static FdInfo convert(sysql.capture.scap.FdInfo f, boolean localIsServer) {
        FdInfo d = new FdInfo(f.fd());
        d.ino(f.ino());
        switch (f.type()) {
            case FILE, FILE_V2 -> d.set(FdType.FILE, f.name(), f.openFlags()).dev(f.dev());
            case DIRECTORY -> d.set(FdType.DIRECTORY, f.name(), f.openFlags());
            case FIFO -> d.set(FdType.PIPE, f.name(), 0);
            case UNIX_SOCK -> d.set(FdType.UNIX, f.name(), 0);
            case EVENT -> d.set(FdType.EVENT, f.name(), 0);
            case SIGNALFD -> d.set(FdType.SIGNALFD, f.name(), 0);
            case EVENTPOLL -> d.set(FdType.EVENTPOLL, f.name(), 0);
            case INOTIFY -> d.set(FdType.INOTIFY, f.name(), 0);
            case TIMERFD -> d.set(FdType.TIMERFD, f.name(), 0);
            case NETLINK -> d.set(FdType.NETLINK, f.name(), 0);
            case BPF -> d.set(FdType.BPF, f.name(), 0);
            case USERFAULTFD -> d.set(FdType.USERFAULTFD, f.name(), 0);
            case IOURING -> d.set(FdType.IO_URING, f.name(), 0);
            case MEMFD -> d.set(FdType.MEMFD, f.name(), 0);
            case IPV4_SOCK, IPV6_SOCK -> {
                boolean v6 = f.type() == sysql.capture.scap.FdType.IPV6_SOCK;
                d.set(v6 ? FdType.IPV6 : FdType.IPV4, "", 0);
                d.l4proto(l4(f.l4proto()));
                if (localIsServer) {
                    d.tuple(bytes(f.dip(), v6), f.dport(), bytes(f.sip(), v6), f.sport(), true);
                } else {
                    d.tuple(bytes(f.sip(), v6), f.sport(), bytes(f.dip(), v6), f.dport(), false);
                }
                d.name(SocketNames.inetName(d));
            }
            case IPV4_SERVSOCK, IPV6_SERVSOCK -> {
                boolean v6 = f.type() == sysql.capture.scap.FdType.IPV6_SERVSOCK;
                d.set(v6 ? FdType.IPV6 : FdType.IPV4, "", 0);
                d.l4proto(l4(f.l4proto()));
                d.tuple(new byte[16], 0, bytes(f.sip(), v6), f.sport(), true);
                d.name(SocketNames.inetName(d));
            }
            default -> d.set(FdType.UNKNOWN, f.name(), 0);
        }
        return d;
    }

    /** libscap's l4 protocol codes (2 tcp, 3 udp, 4 icmp, 5 raw) as IP protocol numbers. */
    private static int l4(int scap) {
        return switch (scap) {
            case 2 -> 6;
            case 3 -> 17;
            case 4 -> 1;
            case 5 -> 255;
            default -> 0;
        };
    }

    /**
     * An address in FdInfo's layout: IPv4 in the low 4 bytes; for an IPv6 socket 16 bytes, an IPv4 address
     * (Java turns ::ffff:a.b.c.d into an Inet4Address) put back in its IPv4-mapped form.
     */
    private static byte[] bytes(InetAddress a, boolean v6) {
        byte[] out = new byte[16];
        if (a != null) {
            byte[] b = a.getAddress();
            if (v6 && b.length == 4) {
                out[10] = (byte) 0xff;
                out[11] = (byte) 0xff;
                System.arraycopy(b, 0, out, 12, 4);
            } else {
                System.arraycopy(b, 0, out, 0, b.length);
            }
        }
        return out;
    }
}
