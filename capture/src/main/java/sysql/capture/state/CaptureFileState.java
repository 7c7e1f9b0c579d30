// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import java.net.InetAddress;
import sysql.capture.scap.InitialState;
import sysql.capture.scap.ProcessInfo;
import sysql.capture.scap.ScapFdInfo;
import sysql.capture.scap.ScapFdType;

/**
 * Seeds the thread table, the descriptor tables, the users and the machine's interfaces from what a capture
 * file records before its first event, as sysdig imports a file's thread table (and as a live capture seeds
 * them from /proc and /etc).
 */
public final class CaptureFileState {
    private CaptureFileState() {}

    public static void seed(InitialState s, ThreadTable threads, Users users) {
        threads.interfaces(NetworkInterfaces.of(s.interfaces()));
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
            if (p.isMainThread()) {
                // sysdig keeps the environment and the working directory on main threads only
                t.env = Params.sysdigEnv(p.env());
                String cwd = Paths.resolve("", p.cwd());
                t.cwd = cwd.endsWith("/") ? cwd : cwd + "/";
            }
            t.flags = p.flags();
            t.fdLimit = p.fdlimit();
            t.uid = p.uid();
            t.gid = p.gid();
            t.loginUid = p.loginuid();
            t.exeWritable = p.exeWritable();
            t.vmSizeKb = p.vmsizeKb();
            t.vmRssKb = p.vmrssKb();
            t.vmSwapKb = p.vmswapKb();
            t.pfMajor = p.pfmajor();
            t.pfMinor = p.pfminor();
            t.vtid = p.vtid();
            t.vpid = p.vpid();
            t.tty = p.tty();
            t.cgroups = Containers.sysdigNames(p.cgroups());
            t.containerId = Containers.idFromCgroups(p.cgroups());
            threads.putInitial(t);
        }
        java.util.Set<Integer> serverPorts = new java.util.HashSet<>();
        for (ScapFdInfo f : s.fds()) {
            ThreadInfo owner = threads.get(f.tid());
            if (owner == null) {
                continue;
            }
            FdInfo d = convert(f, threads.interfaces());
            if (d.isServerSocket()) {
                serverPorts.add(d.serverSocketPort());
            }
            owner.fds.put(d);
        }
        threads.createChildDependencies();
        fixSocketDirections(threads, serverPorts);
        for (var u : s.users()) {
            users.addUser(new Users.User(u.uid(), u.gid(), u.name(), u.homedir(), u.shell()));
        }
        for (var g : s.groups()) {
            users.addGroup(g.gid(), g.name());
        }
    }

    /**
     * sysdig's fix_sockets_coming_from_proc: /proc and capture files record IPv4 connections local end first; one
     * whose local port a server socket listens on is turned around (client → server) and takes the server role,
     * every other takes the client role. IPv6 connections keep no role.
     */
    static void fixSocketDirections(ThreadTable threads, java.util.Set<Integer> serverPorts) {
        for (ThreadInfo t : threads.all()) {
            for (FdInfo f : t.fds.all()) {
                if (f.type() != FdType.IPV4 || f.isServerSocket()) {
                    continue;
                }
                if (serverPorts.contains(f.tupleSourcePort())) {
                    f.swapTuple();
                    f.name(SocketNames.inetName(f));
                    f.role(FdInfo.Role.SERVER);
                } else {
                    f.role(FdInfo.Role.CLIENT);
                }
            }
        }
    }

    /** sysdig's add_fd_from_scap: one descriptor of a file's fd list. */
    static FdInfo convert(ScapFdInfo f, NetworkInterfaces interfaces) {
        FdInfo d = new FdInfo(f.fd());
        d.ino(f.ino());
        switch (f.type()) {
            case FILE, FILE_V2 -> d.set(FdType.FILE, f.name(), f.openFlags()).dev(f.dev());
            case DIRECTORY -> d.set(FdType.DIRECTORY, f.name(), f.openFlags());
            case FIFO -> d.set(FdType.PIPE, f.name(), 0);
            case UNIX_SOCK ->
                d.set(FdType.UNIX, f.name(), 0)
                        .unixAddresses(f.unixSource(), f.unixDestination())
                        .role(f.name().isEmpty() ? FdInfo.Role.CLIENT : FdInfo.Role.SERVER);
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
                boolean v6 = f.type() == ScapFdType.IPV6_SOCK;
                byte[] sip = bytes(f.sip(), v6);
                byte[] dip = bytes(f.dip(), v6);
                boolean v4 = !v6 || SocketNames.isV4Mapped(sip) && SocketNames.isV4Mapped(dip);
                if (v4 && f.type() == ScapFdType.IPV6_SOCK) {
                    System.arraycopy(sip, 12, sip, 0, 4);
                    System.arraycopy(dip, 12, dip, 0, 4);
                }
                d.set(v4 ? FdType.IPV4 : FdType.IPV6, "", 0);
                d.tuple(sip, f.sport(), dip, f.dport());
                d.tupleL4proto(f.l4proto());
                d.connected(f.l4proto() == FdInfo.L4_TCP);
                if (v4) {
                    interfaces.completeTuple(d);
                }
                d.name(SocketNames.inetName(d));
            }
            case IPV4_SERVSOCK, IPV6_SERVSOCK -> {
                boolean v6 = f.type() == ScapFdType.IPV6_SERVSOCK;
                d.set(v6 ? FdType.IPV6 : FdType.IPV4, "", 0);
                d.serverSocket(true)
                        .serverAddress(bytes(f.sip(), v6), f.sport())
                        .serverSocketL4proto(f.l4proto());
                d.name(SocketNames.inetName(d));
            }
            default -> d.set(FdType.UNKNOWN, f.name(), 0);
        }
        return d;
    }

    /**
     * An address as 16 bytes: IPv4 in the first 4; for an IPv6 socket all 16, an IPv4 address (Java turns
     * ::ffff:a.b.c.d into an Inet4Address) put back in its IPv4-mapped form.
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
