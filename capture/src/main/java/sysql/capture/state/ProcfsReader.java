// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sysql.driver.EventTables;

/**
 * Reads threads and their descriptors from /proc: the state a live capture starts from, and the fallback
 * for a thread first seen mid-stream. A thread that vanished while being read is skipped, never an error.
 */
public final class ProcfsReader implements ThreadLoader {
    private final Path proc;
    private final long bootTimeNs;
    private final long clockTicks;
    private Map<Long, SocketEntry> sockets;
    private NetworkInterfaces interfaces = NetworkInterfaces.NONE;

    /** A socket found in /proc/net, by inode; {@code l4proto} is libscap's code. */
    record SocketEntry(
            FdType type,
            int l4proto,
            byte[] localIp,
            int localPort,
            byte[] remoteIp,
            int remotePort,
            boolean listening,
            String unixPath) {}

    public ProcfsReader() {
        this(Path.of("/proc"));
    }

    public ProcfsReader(Path proc) {
        this.proc = proc;
        this.bootTimeNs = readBootTime(proc) * 1_000_000_000L;
        this.clockTicks = 100; // USER_HZ on every Linux x86_64 build
    }

    /**
     * Every thread of every process, with its descriptors, into {@code table}, then what sysdig does after
     * reading /proc: thread counts, the direction of connections (see {@link CaptureFileState}) and the
     * host's network interfaces.
     */
    public void readAll(ThreadTable table) {
        sockets = readSockets();
        table.interfaces(NetworkInterfaces.host());
        interfaces = table.interfaces();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path pidDir : pids) {
                long pid = Long.parseLong(pidDir.getFileName().toString());
                ThreadInfo main = readTask(pidDir, pid, pid);
                if (main == null) {
                    continue;
                }
                main.fds = readFds(pidDir);
                table.putInitial(main);
                try (DirectoryStream<Path> tasks = Files.newDirectoryStream(pidDir.resolve("task"), "[0-9]*")) {
                    for (Path taskDir : tasks) {
                        long tid = Long.parseLong(taskDir.getFileName().toString());
                        if (tid == pid) {
                            continue;
                        }
                        ThreadInfo t = readTask(taskDir, tid, pid);
                        if (t != null) {
                            table.putInitial(t);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the process exited while being read
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + proc + ": " + e.getMessage(), e);
        }
        table.createChildDependencies();
        java.util.Set<Integer> serverPorts = new java.util.HashSet<>();
        for (ThreadInfo t : table.all()) {
            for (FdInfo f : t.fds.all()) {
                if (f.isServerSocket()) {
                    serverPorts.add(f.serverSocketPort());
                }
            }
        }
        CaptureFileState.fixSocketDirections(table, serverPorts);
    }

    /**
     * One thread first seen mid-stream, or null if it does not exist. A main thread comes with its descriptors;
     * another thread uses its main thread's (which the table looks up when needed).
     */
    @Override
    public ThreadInfo load(long tid, ThreadTable table) {
        return readThread(tid, table);
    }

    ThreadInfo readThread(long tid, ThreadTable table) {
        Path taskDir = proc.resolve(Long.toString(tid));
        if (!Files.isDirectory(taskDir)) {
            return null;
        }
        long pid = readTgid(taskDir);
        if (pid < 0) {
            return null;
        }
        ThreadInfo t = readTask(taskDir, tid, pid);
        if (t == null) {
            return null;
        }
        t.fromProcfs = true;
        if (pid == tid) {
            if (sockets == null) {
                sockets = readSockets();
            }
            interfaces = table.interfaces();
            t.fds = readFds(proc.resolve(Long.toString(pid)));
        } else {
            t.fds = new FdTable();
        }
        return t;
    }

    private static long readTgid(Path taskDir) {
        try {
            for (String line : Files.readAllLines(taskDir.resolve("status"))) {
                if (line.startsWith("Tgid:")) {
                    return Long.parseLong(line.substring(5).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private ThreadInfo readTask(Path dir, long tid, long pid) {
        try {
            ThreadInfo t = new ThreadInfo(tid);
            t.pid = pid;
            // as libscap assumes for /proc: a thread other than the main one shares its process's files
            t.flags = tid == pid ? 0 : ThreadInfo.CLONE_THREAD | ThreadInfo.CLONE_FILES;
            String stat = Files.readString(dir.resolve("stat"));
            int close = stat.lastIndexOf(')');
            t.comm = stat.substring(stat.indexOf('(') + 1, close);
            String[] f = stat.substring(close + 2).split(" ");
            // f[0] = state (field 3); ppid is field 4, tty field 7, minflt 10, majflt 12, starttime field 22
            t.ptid = Long.parseLong(f[1]);
            t.vpgid = Long.parseLong(f[2]);
            t.sid = Long.parseLong(f[3]);
            t.tty = Integer.parseInt(f[4]);
            t.pfMinor = Long.parseLong(f[7]);
            t.pfMajor = Long.parseLong(f[9]);
            t.startTs = bootTimeNs + Long.parseLong(f[19]) * (1_000_000_000L / clockTicks);
            for (String line : Files.readAllLines(dir.resolve("status"))) {
                if (line.startsWith("Uid:")) {
                    t.uid = (int) Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                } else if (line.startsWith("Gid:")) {
                    t.gid = (int) Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                } else if (line.startsWith("VmSize:")) {
                    t.vmSizeKb = kb(line);
                } else if (line.startsWith("VmRSS:")) {
                    t.vmRssKb = kb(line);
                } else if (line.startsWith("VmSwap:")) {
                    t.vmSwapKb = kb(line);
                } else if (line.startsWith("NSpid:")) {
                    String[] ns = line.substring(6).trim().split("\\s+");
                    t.vtid = Long.parseLong(ns[ns.length - 1]);
                } else if (line.startsWith("NStgid:")) {
                    String[] ns = line.substring(7).trim().split("\\s+");
                    t.vpid = Long.parseLong(ns[ns.length - 1]);
                }
            }
            Path procDir = proc.resolve(Long.toString(pid));
            byte[] cmd = Files.readAllBytes(procDir.resolve("cmdline"));
            List<String> argv = splitNul(cmd);
            if (!argv.isEmpty()) {
                t.exe = argv.get(0);
                t.args = List.copyOf(argv.subList(1, argv.size()));
            } else {
                t.exe = t.comm; // kernel threads: sysdig shows comm
            }
            t.exepath = readLink(procDir.resolve("exe"));
            t.exeWritable = exeWritable(procDir, t.exepath, t.uid, t.gid);
            if (tid == pid) {
                String cwd = readLink(procDir.resolve("cwd"));
                t.cwd = cwd.endsWith("/") ? cwd : cwd + "/";
            }
            t.loginUid =
                    (int) parseLongOr(readString(procDir.resolve("loginuid")).trim(), -1);
            t.fdLimit = readFdLimit(procDir);
            t.cgroups = Containers.sysdigNames(readCgroups(procDir));
            t.containerId = Containers.idFromCgroups(t.cgroups);
            return t;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * libscap's exe_writable: whether the thread's user may write its executable (seen through the process's
     * root). libscap asks the kernel as that user (access(2) under its fsuid); sysql decides from the file's
     * owner, group and mode, root (uid 0) writing whatever the file system lets it write.
     */
    private static boolean exeWritable(Path procDir, String exepath, int uid, int gid) {
        if (exepath.isEmpty() || exepath.charAt(0) != '/') {
            return false;
        }
        try {
            Path exe = Path.of(procDir.resolve("root") + exepath);
            if (!Files.isRegularFile(exe)) {
                return false;
            }
            if (uid == 0) {
                return Files.isWritable(exe);
            }
            var attrs = Files.readAttributes(exe, java.nio.file.attribute.PosixFileAttributes.class);
            var perms = attrs.permissions();
            int owner = (Integer) Files.getAttribute(exe, "unix:uid");
            int group = (Integer) Files.getAttribute(exe, "unix:gid");
            if (owner == uid) {
                return perms.contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            }
            if (group == gid) {
                return perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE);
            }
            return perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long kb(String line) {
        String[] p = line.split("\\s+");
        return Long.parseLong(p[1]);
    }

    private static List<String> splitNul(byte[] b) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < b.length) {
            out.add(new String(b, start, b.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static long parseLongOr(String s, long dflt) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static long readFdLimit(Path procDir) {
        for (String line : readString(procDir.resolve("limits")).split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] p = line.substring("Max open files".length()).trim().split("\\s+");
                return parseLongOr(p[0], 0);
            }
        }
        return 0;
    }

    private static List<String> readCgroups(Path procDir) {
        List<String> out = new ArrayList<>();
        for (String line : readString(procDir.resolve("cgroup")).split("\n")) {
            // hierarchy-id:controllers:path → "controllers=path" (sysdig's form); cgroup v2: "0::/path"
            String[] p = line.split(":", 3);
            if (p.length == 3) {
                out.add((p[1].isEmpty() ? "unified" : p[1]) + "=" + p[2]);
            }
        }
        return List.copyOf(out);
    }

    private FdTable readFds(Path pidDir) {
        FdTable table = new FdTable();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(pidDir.resolve("fd"))) {
            for (Path fdPath : fds) {
                long fd = Long.parseLong(fdPath.getFileName().toString());
                String target = readLink(fdPath);
                if (target.isEmpty()) {
                    continue;
                }
                FdInfo info = fdFromLink(fd, target, readFdFlags(pidDir, fd));
                table.put(info);
            }
        } catch (IOException | RuntimeException e) {
            // no permission or the process exited: an empty table
        }
        return table;
    }

    private static int readFdFlags(Path pidDir, long fd) {
        for (String line :
                readString(pidDir.resolve("fdinfo").resolve(Long.toString(fd))).split("\n")) {
            if (line.startsWith("flags:")) {
                int kflags = (int) Long.parseLong(line.substring(6).trim(), 8);
                return (kflags & 02000000) != 0 ? EventTables.O_CLOEXEC : 0;
            }
        }
        return 0;
    }

    FdInfo fdFromLink(long fd, String target, int flags) {
        FdInfo info = new FdInfo(fd);
        if (target.startsWith("socket:[")) {
            long ino = Long.parseLong(target.substring(8, target.length() - 1));
            SocketEntry s = sockets != null ? sockets.get(ino) : null;
            info.ino(ino);
            if (s == null) {
                return info.set(FdType.UNKNOWN, target, flags);
            }
            info.set(s.type(), "", flags);
            if (s.type().isInet()) {
                if (s.listening()) {
                    info.serverSocket(true)
                            .serverAddress(s.localIp(), s.localPort())
                            .serverSocketL4proto(s.l4proto());
                } else {
                    // local end first, as libscap reads it; the direction is fixed once every process is read.
                    // Like sysdig, an IPv6 connection between IPv4-mapped addresses is an IPv4 one.
                    byte[] local = s.localIp().clone();
                    byte[] remote = s.remoteIp().clone();
                    boolean mapped =
                            s.type() == FdType.IPV6 && SocketNames.isV4Mapped(local) && SocketNames.isV4Mapped(remote);
                    if (mapped) {
                        System.arraycopy(local, 12, local, 0, 4);
                        System.arraycopy(remote, 12, remote, 0, 4);
                        info.type(FdType.IPV4);
                    }
                    info.tuple(local, s.localPort(), remote, s.remotePort());
                    info.tupleL4proto(s.l4proto()).connected(s.l4proto() == FdInfo.L4_TCP);
                    if (info.type() == FdType.IPV4) {
                        interfaces.completeTuple(info);
                    }
                }
                info.name(SocketNames.inetName(info));
            } else {
                info.name(s.unixPath()).role(s.unixPath().isEmpty() ? FdInfo.Role.CLIENT : FdInfo.Role.SERVER);
            }
            return info;
        }
        if (target.startsWith("pipe:[")) {
            return info.set(FdType.PIPE, target, flags).ino(Long.parseLong(target.substring(6, target.length() - 1)));
        }
        if (target.startsWith("anon_inode:")) {
            String kind = target.substring(11);
            FdType type = switch (kind) {
                case "[eventfd]" -> FdType.EVENT;
                case "[eventpoll]" -> FdType.EVENTPOLL;
                case "inotify" -> FdType.INOTIFY;
                case "[signalfd]" -> FdType.SIGNALFD;
                case "[timerfd]" -> FdType.TIMERFD;
                case "[userfaultfd]" -> FdType.USERFAULTFD;
                case "[io_uring]" -> FdType.IO_URING;
                default -> kind.startsWith("bpf") ? FdType.BPF : FdType.UNKNOWN;
            };
            return info.set(type, target, flags);
        }
        if (target.startsWith("/memfd:")) {
            return info.set(FdType.MEMFD, target, flags);
        }
        FdType type = Files.isDirectory(Path.of(target)) ? FdType.DIRECTORY : FdType.FILE;
        return info.set(type, target, flags);
    }

    /** Sockets of the host network namespace (/proc/1/net), by inode. */
    Map<Long, SocketEntry> readSockets() {
        Map<Long, SocketEntry> out = new HashMap<>();
        Path net = proc.resolve("1").resolve("net");
        if (!Files.isDirectory(net)) {
            net = proc.resolve("net");
        }
        readInet(net.resolve("tcp"), FdType.IPV4, FdInfo.L4_TCP, out);
        readInet(net.resolve("udp"), FdType.IPV4, FdInfo.L4_UDP, out);
        readInet(net.resolve("raw"), FdType.IPV4, FdInfo.L4_RAW, out);
        readInet(net.resolve("tcp6"), FdType.IPV6, FdInfo.L4_TCP, out);
        readInet(net.resolve("udp6"), FdType.IPV6, FdInfo.L4_UDP, out);
        readInet(net.resolve("raw6"), FdType.IPV6, FdInfo.L4_RAW, out);
        readUnix(net.resolve("unix"), out);
        return out;
    }

    private static void readInet(Path file, FdType type, int proto, Map<Long, SocketEntry> out) {
        String[] lines = readString(file).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 10) {
                continue;
            }
            try {
                String[] local = f[1].split(":");
                String[] remote = f[2].split(":");
                int state = Integer.parseInt(f[3], 16);
                long ino = Long.parseLong(f[9]);
                byte[] remoteIp = ip(remote[0]);
                int remotePort = Integer.parseInt(remote[1], 16);
                // libscap: a socket with no remote end (a listening or an unconnected one) is a server socket
                boolean noRemote = remotePort == 0 && java.util.Arrays.equals(remoteIp, new byte[16]);
                out.put(
                        ino,
                        new SocketEntry(
                                type,
                                proto,
                                ip(local[0]),
                                Integer.parseInt(local[1], 16),
                                remoteIp,
                                remotePort,
                                noRemote || proto == FdInfo.L4_TCP && state == 0x0A,
                                ""));
            } catch (RuntimeException e) {
                // a malformed line: skip it
            }
        }
    }

    /** /proc/net hex address (host byte order words) into network-order bytes, IPv4 in the low 4. */
    static byte[] ip(String hex) {
        byte[] b = new byte[16];
        int words = hex.length() / 8;
        for (int w = 0; w < words; w++) {
            long v = Long.parseLong(hex.substring(w * 8, w * 8 + 8), 16);
            for (int k = 0; k < 4; k++) {
                b[w * 4 + k] = (byte) (v >>> (8 * k));
            }
        }
        return b;
    }

    private static void readUnix(Path file, Map<Long, SocketEntry> out) {
        String[] lines = readString(file).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 7) {
                continue;
            }
            try {
                long ino = Long.parseLong(f[6]);
                String path = f.length > 7 ? f[7] : "";
                out.put(ino, new SocketEntry(FdType.UNIX, 0, new byte[16], 0, new byte[16], 0, false, path));
            } catch (RuntimeException e) {
                // skip
            }
        }
    }

    private static long readBootTime(Path proc) {
        for (String line : readString(proc.resolve("stat")).split("\n")) {
            if (line.startsWith("btime ")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        return 0;
    }
}
