// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import sysql.capture.scap.GroupInfo;
import sysql.capture.scap.InitialState;
import sysql.capture.scap.InterfaceInfo;
import sysql.capture.scap.MachineInfo;
import sysql.capture.scap.ProcessInfo;
import sysql.capture.scap.ScapFdInfo;
import sysql.capture.scap.ScapFdType;
import sysql.capture.scap.SectionHeader;
import sysql.capture.scap.UserInfo;
import sysql.driver.EventTables;

/**
 * The live state as a capture file's initial state: the thread table (each process's descriptors once, under its
 * main thread), this host's machine info, network interfaces, users and groups — what a {@code .scap} writer puts
 * before the first event, the inverse of {@link CaptureFileState#seed}.
 */
public final class InitialStateSnapshot {
    private static final int II_IPV4 = 1;
    private static final int II_IPV6 = 2;

    private InitialStateSnapshot() {}

    /** The state of this host: {@code threads} (e.g. from {@link ProcfsReader#readAll}), /proc, /etc, interfaces. */
    public static InitialState live(ThreadTable threads) {
        List<UserInfo> users = new ArrayList<>();
        List<GroupInfo> groups = new ArrayList<>();
        readEtc(Path.of("/etc"), users, groups);
        return of(threads, hostMachine(Path.of("/proc")), hostInterfaces(), users, groups);
    }

    /** The given parts as an initial state; threads in tid order, each process's fds once. */
    public static InitialState of(
            ThreadTable threads,
            MachineInfo machine,
            List<InterfaceInfo> interfaces,
            List<UserInfo> users,
            List<GroupInfo> groups) {
        return of(threads.all(), machine, interfaces, users, groups);
    }

    /** As {@link #of(ThreadTable, MachineInfo, List, List, List)}, for threads of one table (or copies of them). */
    public static InitialState of(
            Collection<ThreadInfo> threads,
            MachineInfo machine,
            List<InterfaceInfo> interfaces,
            List<UserInfo> users,
            List<GroupInfo> groups) {
        List<ThreadInfo> all = new ArrayList<>(threads);
        all.sort(Comparator.comparingLong(ThreadInfo::tid));
        List<ProcessInfo> processes = new ArrayList<>(all.size());
        List<ScapFdInfo> fds = new ArrayList<>();
        Map<FdTable, Boolean> written = new IdentityHashMap<>();
        // main threads first own their process's table; a thread whose main thread is unknown writes it itself
        for (int pass = 0; pass < 2; pass++) {
            for (ThreadInfo t : all) {
                if (pass == 0) {
                    processes.add(process(t));
                }
                boolean owner = pass == 0 ? t.isMainThread() : !t.isMainThread();
                if (!owner || t.fds == null || written.containsKey(t.fds)) {
                    continue;
                }
                written.put(t.fds, Boolean.TRUE);
                List<FdInfo> list = new ArrayList<>(t.fds.all());
                list.sort(Comparator.comparingLong(FdInfo::fd));
                for (FdInfo f : list) {
                    ScapFdInfo s = fd(t.tid, f);
                    if (s != null) {
                        fds.add(s);
                    }
                }
            }
        }
        return new InitialState(new SectionHeader(1, 2, -1, 0), machine, processes, fds, interfaces, users, groups);
    }

    /**
     * One thread as a process list entry. A thread other than its process's main thread is flagged as sharing the
     * main thread's files ({@code PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES}, as libscap flags threads read from
     * /proc): without it sysdig gives the thread an fd table of its own, empty.
     */
    public static ProcessInfo process(ThreadInfo t) {
        int flags = t.tid != t.pid ? EventTables.CL_CLONE_THREAD | EventTables.CL_CLONE_FILES : 0;
        String cwd = t.cwd.isEmpty() ? "/" : t.cwd; // as sysdig writes a thread's (its process keeps the real one)
        return new ProcessInfo(
                t.tid,
                t.pid,
                t.ptid,
                t.sid,
                t.vpgid,
                t.comm,
                t.exe,
                t.exepath,
                t.args,
                cwd,
                t.fdLimit,
                flags,
                t.uid,
                t.gid,
                (int) t.vmSizeKb,
                (int) t.vmRssKb,
                (int) t.vmSwapKb,
                t.pfMajor,
                t.pfMinor,
                t.env,
                t.vtid,
                t.vpid,
                t.cgroups,
                "/",
                0,
                t.tty,
                t.loginUid,
                t.exeWritable,
                0,
                0,
                0,
                false,
                0,
                0,
                0,
                false);
    }

    /**
     * One descriptor as a capture file's fd entry of thread {@code tid}, or null for one that has nothing to record.
     * Inet sockets are written local end first, as libscap reads them from /proc/net; a descriptor of unknown kind
     * keeps its name as an "unsupported" one.
     */
    public static ScapFdInfo fd(long tid, FdInfo f) {
        ScapFdType type;
        switch (f.type()) {
            case FILE -> {
                return new ScapFdInfo(
                        tid,
                        f.fd(),
                        f.ino(),
                        ScapFdType.FILE_V2,
                        f.name(),
                        f.openFlags(),
                        0,
                        null,
                        null,
                        0,
                        0,
                        0,
                        0,
                        0);
            }
            case IPV4, IPV6 -> {
                return inet(tid, f);
            }
            case UNIX -> {
                return new ScapFdInfo(
                        tid, f.fd(), f.ino(), ScapFdType.UNIX_SOCK, f.name(), 0, 0, null, null, 0, 0, 0, 0, 0);
            }
            case DIRECTORY -> type = ScapFdType.DIRECTORY;
            case PIPE -> type = ScapFdType.FIFO;
            case EVENT -> type = ScapFdType.EVENT;
            case SIGNALFD -> type = ScapFdType.SIGNALFD;
            case EVENTPOLL -> type = ScapFdType.EVENTPOLL;
            case INOTIFY -> type = ScapFdType.INOTIFY;
            case TIMERFD -> type = ScapFdType.TIMERFD;
            case NETLINK -> type = ScapFdType.NETLINK;
            case BPF -> type = ScapFdType.BPF;
            case USERFAULTFD -> type = ScapFdType.USERFAULTFD;
            case IO_URING -> type = ScapFdType.IOURING;
            case MEMFD -> type = ScapFdType.MEMFD;
            default -> {
                if (f.name() == null || f.name().isEmpty()) {
                    return null;
                }
                type = ScapFdType.UNSUPPORTED;
            }
        }
        return new ScapFdInfo(tid, f.fd(), f.ino(), type, f.name(), 0, 0, null, null, 0, 0, 0, 0, 0);
    }

    private static ScapFdInfo inet(long tid, FdInfo f) {
        boolean v6 = f.type() == FdType.IPV6;
        int len = v6 ? 16 : 4;
        byte[] a = new byte[16];
        if (f.isServerSocket()) {
            f.copyServerSocketIp(a);
            return new ScapFdInfo(
                    tid,
                    f.fd(),
                    f.ino(),
                    v6 ? ScapFdType.IPV6_SERVSOCK : ScapFdType.IPV4_SERVSOCK,
                    "",
                    0,
                    0,
                    addr(a, len),
                    null,
                    f.serverSocketPort(),
                    0,
                    f.storedL4proto(),
                    0,
                    0);
        }
        byte[] b = new byte[16];
        f.copyTupleSourceIp(a);
        f.copyTupleDestinationIp(b);
        if (f.role() == FdInfo.Role.NONE
                && f.tupleSourcePort() == 0
                && f.tupleDestinationPort() == 0
                && java.util.Arrays.equals(a, new byte[16])
                && java.util.Arrays.equals(b, new byte[16])) {
            // a socket that never connected nor bound: nothing to record but its name
            return new ScapFdInfo(
                    tid, f.fd(), f.ino(), ScapFdType.UNSUPPORTED, f.name(), 0, 0, null, null, 0, 0, 0, 0, 0);
        }
        boolean server = f.role() == FdInfo.Role.SERVER;
        byte[] localIp = server ? b : a;
        byte[] remoteIp = server ? a : b;
        int localPort = server ? f.tupleDestinationPort() : f.tupleSourcePort();
        int remotePort = server ? f.tupleSourcePort() : f.tupleDestinationPort();
        return new ScapFdInfo(
                tid,
                f.fd(),
                f.ino(),
                v6 ? ScapFdType.IPV6_SOCK : ScapFdType.IPV4_SOCK,
                "",
                0,
                0,
                addr(localIp, len),
                addr(remoteIp, len),
                localPort,
                remotePort,
                f.storedL4proto(),
                0,
                0);
    }

    private static InetAddress addr(byte[] ip, int len) {
        try {
            byte[] b = new byte[len];
            System.arraycopy(ip, 0, b, 0, len);
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This host's machine info from /proc: online CPUs, memory, pid_max, host name, boot time. */
    public static MachineInfo hostMachine(Path proc) {
        int cpus = Runtime.getRuntime().availableProcessors();
        String online = read(Path.of("/sys/devices/system/cpu/online")).trim();
        if (!online.isEmpty()) {
            try {
                int n = 0;
                for (String range : online.split(",")) {
                    String[] ab = range.split("-");
                    n += ab.length == 2 ? Integer.parseInt(ab[1]) - Integer.parseInt(ab[0]) + 1 : 1;
                }
                cpus = n;
            } catch (RuntimeException e) {
                // keep the JVM's count
            }
        }
        long memory = 0;
        for (String line : read(proc.resolve("meminfo")).split("\n")) {
            if (line.startsWith("MemTotal:")) {
                memory = number(line.substring(9).trim().split("\\s+")[0]) * 1024;
            }
        }
        long maxPid = number(read(proc.resolve("sys/kernel/pid_max")).trim());
        String host = read(proc.resolve("sys/kernel/hostname")).trim();
        long boot = 0;
        for (String line : read(proc.resolve("stat")).split("\n")) {
            if (line.startsWith("btime ")) {
                boot = number(line.substring(6).trim()) * 1_000_000_000L;
            }
        }
        return new MachineInfo(cpus, memory, maxPid, host, boot, 0, 0, 0);
    }

    /** This host's interface addresses (IPv4 first, then IPv6), as libscap lists them. */
    public static List<InterfaceInfo> hostInterfaces() {
        List<InterfaceInfo> v4 = new ArrayList<>();
        List<InterfaceInfo> v6 = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp()) {
                    continue;
                }
                for (InterfaceAddress a : ni.getInterfaceAddresses()) {
                    InetAddress ip = a.getAddress();
                    boolean isV4 = ip instanceof Inet4Address;
                    int len = isV4 ? 4 : 16;
                    InetAddress mask = addr(prefixMask(a.getNetworkPrefixLength(), len), len);
                    InetAddress bcast =
                            a.getBroadcast() != null ? a.getBroadcast() : isV4 ? ip : addr(new byte[16], 16);
                    InetAddress plain = addr(ip.getAddress(), len); // without the IPv6 scope
                    (isV4 ? v4 : v6)
                            .add(new InterfaceInfo(isV4 ? II_IPV4 : II_IPV6, ni.getName(), plain, mask, bcast, 0));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no interfaces known
        }
        v4.addAll(v6);
        return v4;
    }

    private static byte[] prefixMask(int prefix, int len) {
        byte[] m = new byte[len];
        for (int i = 0; i < len * 8 && i < prefix; i++) {
            m[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        return m;
    }

    /** The names {@code known} holds as a capture file's user and group lists. */
    public static void usersOf(Users known, List<UserInfo> users, List<GroupInfo> groups) {
        for (Users.User u : known.users()) {
            users.add(new UserInfo(u.uid(), u.gid(), u.name(), u.home(), u.shell()));
        }
        known.groups().forEach((gid, name) -> groups.add(new GroupInfo(gid, name)));
    }

    /** Users and groups from {@code etc}/passwd and {@code etc}/group ({@link Users#fromEtc}). */
    public static void readEtc(Path etc, List<UserInfo> users, List<GroupInfo> groups) {
        usersOf(Users.fromEtc(etc), users, groups);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
