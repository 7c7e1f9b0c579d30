// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.net.InetAddress;
import java.util.List;

/**
 * Parses the metadata blocks that precede the events (layouts from falcosecurity/libs
 * {@code engine/savefile/scap_savefile.c}). Every read is bounds-checked against the block; a block that does not
 * add up is a {@link ScapFormatException} naming the offset of the field.
 */
final class MetadataParser {
    private static final int MACHINE_INFO_BYTES = 4 + 8 + 8 + 128 + 4 * 8;
    private static final int HOSTNAME_BYTES = 128;
    /** Interface address types (libscap {@code scap_ifinfo_type}). */
    private static final int II_IPV4 = 1;

    private static final int II_IPV6 = 2;
    private static final int II_IPV4_NOLINKSPEED = 3;
    private static final int II_IPV6_NOLINKSPEED = 4;
    private static final int USERBLOCK_TYPE_USER = 0;
    /** Bytes of the fields libs before 0.10 appended to v9 process entries (loginuid..cap_effective). */
    private static final int PRE_0_10_TAIL = 29;

    private MetadataParser() {}

    private static BodyCursor cursor(BlockReader b) {
        return new BodyCursor(b.body(), 0, b.bodyLength(), b.bodyOffset(), ScapBlocks.describe(b.type()));
    }

    static SectionHeader section(BlockReader b) {
        BodyCursor c = cursor(b);
        long magicAt = c.fileOffset();
        int magic = c.i32("byte-order magic");
        if (magic == Integer.reverseBytes(ScapBlocks.SHB_MAGIC)) {
            throw new ScapFormatException(magicAt, "big-endian capture files are not supported");
        }
        if (magic != ScapBlocks.SHB_MAGIC) {
            throw new ScapFormatException(
                    magicAt,
                    String.format("bad byte-order magic 0x%08x (expected 0x%08x)", magic, ScapBlocks.SHB_MAGIC));
        }
        int major = c.u16("major version");
        int minor = c.u16("minor version");
        long sectionLength = c.i64("section length");
        if (major != ScapBlocks.MAJOR_VERSION) {
            throw new ScapFormatException(
                    b.bodyOffset() + 4,
                    "scap format version " + major + "." + minor + " is not supported (this reader reads "
                            + ScapBlocks.MAJOR_VERSION + ".x)");
        }
        return new SectionHeader(major, minor, sectionLength, c.remaining());
    }

    static MachineInfo machine(BlockReader b) {
        BodyCursor c = cursor(b);
        if (c.remaining() < MACHINE_INFO_BYTES) {
            throw c.error("needs " + MACHINE_INFO_BYTES + " bytes, has " + c.remaining());
        }
        return new MachineInfo(
                c.i32("num_cpus"),
                c.i64("memory_size_bytes"),
                c.i64("max_pid"),
                c.text(HOSTNAME_BYTES, "hostname"),
                c.i64("boot_ts_epoch"),
                c.i64("flags"),
                c.i64("reserved3"),
                c.i64("reserved4"));
    }

    static void processList(BlockReader b, List<ProcessInfo> out) {
        int version = ScapBlocks.processListVersion(b.type());
        BodyCursor c = cursor(b);
        int blockEnd = c.end();
        while (blockEnd - c.position() >= 4) {
            int start = c.position();
            long subLen = 0;
            if (version >= 9) {
                subLen = c.u32("entry length");
                if (subLen < 4 || subLen > blockEnd - start) {
                    throw new ScapFormatException(
                            b.bodyOffset() + start,
                            ScapBlocks.describe(b.type())
                                    + ": process entry length " + subLen + " does not fit the block ("
                                    + (blockEnd - start)
                                    + " bytes left)");
                }
                c.limit(start + (int) subLen);
            }
            long tid = c.i64("tid");
            long pid = c.i64("pid");
            long ptid = c.i64("ptid");
            long sid = version >= 6 ? c.i64("sid") : -1;
            long vpgid = version >= 8 ? c.i64("vpgid") : -1;
            String comm = c.lenText("comm");
            String exe = c.lenText("exe");
            String exepath = version >= 7 ? c.lenText("exepath") : "";
            List<String> args = c.lenStrings("args");
            String cwd = c.lenText("cwd");
            long fdlimit = c.i64("fdlimit");
            int flags = c.i32("flags");
            int uid = c.i32("uid");
            int gid = c.i32("gid");
            int vmsize = 0;
            int vmrss = 0;
            int vmswap = 0;
            long pfmajor = 0;
            long pfminor = 0;
            List<String> env = List.of();
            long vtid = -1;
            long vpid = -1;
            List<String> cgroups = List.of();
            String root = "";
            if (version >= 2) {
                vmsize = c.i32("vmsize_kb");
                vmrss = c.i32("vmrss_kb");
                vmswap = c.i32("vmswap_kb");
                pfmajor = c.i64("pfmajor");
                pfminor = c.i64("pfminor");
                if (version >= 3) {
                    env = c.lenStrings("env");
                }
                if (version >= 4) {
                    vtid = c.i64("vtid");
                    vpid = c.i64("vpid");
                    cgroups = c.lenStrings("cgroups");
                    if (version >= 5) {
                        root = c.lenText("root");
                    }
                }
            }
            long pidnsInitStartTs = 0;
            int tty = 0;
            int loginuid = -1;
            boolean exeWritable = false;
            long capInheritable = 0;
            long capPermitted = 0;
            long capEffective = 0;
            boolean exeUpperLayer = false;
            long exeIno = 0;
            long exeInoCtime = 0;
            long exeInoMtime = 0;
            boolean exeFromMemfd = false;
            if (subLen != 0) {
                // libs 0.10 inserted pidns_init_start_ts and tty before loginuid; files from older libs have at
                // most the 29 bytes of loginuid, exe_writable and the three capability sets here.
                boolean pre010 = c.remaining() <= PRE_0_10_TAIL;
                if (!pre010) {
                    if (c.remaining() >= 8) {
                        pidnsInitStartTs = c.i64("pidns_init_start_ts");
                    }
                    if (c.remaining() >= 4) {
                        tty = c.i32("tty");
                    }
                }
                if (c.remaining() >= 4) {
                    loginuid = c.i32("loginuid");
                }
                if (c.remaining() >= 1) {
                    exeWritable = c.u8("exe_writable") != 0;
                }
                if (c.remaining() >= 8) {
                    capInheritable = c.i64("cap_inheritable");
                }
                if (c.remaining() >= 8) {
                    capPermitted = c.i64("cap_permitted");
                }
                if (c.remaining() >= 8) {
                    capEffective = c.i64("cap_effective");
                }
                if (c.remaining() >= 1) {
                    exeUpperLayer = c.u8("exe_upper_layer") != 0;
                }
                if (c.remaining() >= 8) {
                    exeIno = c.i64("exe_ino");
                }
                if (c.remaining() >= 8) {
                    exeInoCtime = c.i64("exe_ino_ctime");
                }
                if (c.remaining() >= 8) {
                    exeInoMtime = c.i64("exe_ino_mtime");
                }
                if (c.remaining() >= 1) {
                    exeFromMemfd = c.u8("exe_from_memfd") != 0;
                }
                // fields appended by newer writers are skipped
                c.seek(c.end());
                c.limit(blockEnd);
            }
            out.add(new ProcessInfo(
                    tid,
                    pid,
                    ptid,
                    sid,
                    vpgid,
                    comm,
                    exe,
                    exepath,
                    args,
                    cwd,
                    fdlimit,
                    flags,
                    uid,
                    gid,
                    vmsize,
                    vmrss,
                    vmswap,
                    pfmajor,
                    pfminor,
                    env,
                    vtid,
                    vpid,
                    cgroups,
                    root,
                    pidnsInitStartTs,
                    tty,
                    loginuid,
                    exeWritable,
                    capInheritable,
                    capPermitted,
                    capEffective,
                    exeUpperLayer,
                    exeIno,
                    exeInoCtime,
                    exeInoMtime,
                    exeFromMemfd));
        }
    }

    static void fdList(BlockReader b, List<ScapFdInfo> out) {
        boolean v2 = b.type() == ScapBlocks.FDL_V2;
        BodyCursor c = cursor(b);
        int blockEnd = c.end();
        long tid = c.i64("tid");
        while (blockEnd - c.position() >= 4) {
            int start = c.position();
            long subLen = 0;
            if (v2) {
                subLen = c.u32("entry length");
                if (subLen < 4 || subLen > blockEnd - start) {
                    throw new ScapFormatException(
                            b.bodyOffset() + start,
                            ScapBlocks.describe(b.type())
                                    + ": fd entry length " + subLen + " does not fit the block (" + (blockEnd - start)
                                    + " bytes left)");
                }
                c.limit(start + (int) subLen);
            }
            long fd = c.i64("fd");
            long ino = c.i64("ino");
            int code = c.u8("fd type");
            ScapFdType type = ScapFdType.of(code);
            String name = "";
            int openFlags = 0;
            int dev = 0;
            InetAddress sip = null;
            InetAddress dip = null;
            int sport = 0;
            int dport = 0;
            int l4proto = 0;
            long unixSource = 0;
            long unixDestination = 0;
            if (type == null) {
                if (!v2) {
                    throw new ScapFormatException(
                            c.fileOffset() - 1,
                            ScapBlocks.describe(b.type()) + ": unknown fd type " + code
                                    + " (an old fd list cannot skip it)");
                }
                type = ScapFdType.UNSUPPORTED;
                name = "unknown-type:[" + code + "]";
            } else {
                switch (type) {
                    case IPV4_SOCK -> {
                        sip = c.address(4, "sip");
                        dip = c.address(4, "dip");
                        sport = c.u16("sport");
                        dport = c.u16("dport");
                        l4proto = c.u8("l4proto");
                    }
                    case IPV6_SOCK -> {
                        sip = c.address(16, "sip");
                        dip = c.address(16, "dip");
                        sport = c.u16("sport");
                        dport = c.u16("dport");
                        l4proto = c.u8("l4proto");
                    }
                    case IPV4_SERVSOCK -> {
                        sip = c.address(4, "ip");
                        sport = c.u16("port");
                        l4proto = c.u8("l4proto");
                    }
                    case IPV6_SERVSOCK -> {
                        sip = c.address(16, "ip");
                        sport = c.u16("port");
                        l4proto = c.u8("l4proto");
                    }
                    case UNIX_SOCK -> {
                        unixSource = c.i64("source");
                        unixDestination = c.i64("destination");
                        name = c.lenText("name");
                    }
                    case FILE_V2 -> {
                        openFlags = c.i32("open_flags");
                        name = c.lenText("name");
                        if (subLen != 0 && c.remaining() >= 4) {
                            dev = c.i32("dev");
                        }
                    }
                    case UNKNOWN -> {
                        // libscap writes nothing more for it
                    }
                    default -> name = c.lenText("name");
                }
            }
            if (subLen != 0) {
                c.seek(c.end());
                c.limit(blockEnd);
            }
            out.add(new ScapFdInfo(
                    tid,
                    fd,
                    ino,
                    type,
                    name,
                    openFlags,
                    dev,
                    sip,
                    dip,
                    sport,
                    dport,
                    l4proto,
                    unixSource,
                    unixDestination));
        }
    }

    static void interfaceList(BlockReader b, List<InterfaceInfo> out) {
        boolean v2 = b.type() == ScapBlocks.IL_V2;
        BodyCursor c = cursor(b);
        int blockEnd = c.end();
        while (blockEnd - c.position() >= 4) {
            int entryEnd = -1;
            if (v2) {
                long size = c.u32("entry length");
                if (size > blockEnd - c.position()) {
                    throw c.error("interface entry length " + size + " runs past the block ("
                            + (blockEnd - c.position()) + " bytes left)");
                }
                entryEnd = c.position() + (int) size;
                c.limit(entryEnd);
            }
            int type = c.u16("interface type");
            int nameLen = c.u16("interface name length");
            InterfaceInfo info;
            switch (type) {
                case II_IPV4, II_IPV4_NOLINKSPEED -> {
                    InetAddress addr = c.address(4, "addr");
                    InetAddress netmask = c.address(4, "netmask");
                    InetAddress bcast = c.address(4, "bcast");
                    long linkspeed = type == II_IPV4 ? c.i64("linkspeed") : 0;
                    info = new InterfaceInfo(type, c.text(nameLen, "ifname"), addr, netmask, bcast, linkspeed);
                }
                case II_IPV6, II_IPV6_NOLINKSPEED -> {
                    InetAddress addr = c.address(16, "addr");
                    InetAddress netmask = c.address(16, "netmask");
                    InetAddress bcast = c.address(16, "bcast");
                    long linkspeed = type == II_IPV6 ? c.i64("linkspeed") : 0;
                    info = new InterfaceInfo(type, c.text(nameLen, "ifname"), addr, netmask, bcast, linkspeed);
                }
                default -> throw c.error("unknown interface type " + type);
            }
            out.add(info);
            if (entryEnd >= 0) {
                c.seek(entryEnd);
                c.limit(blockEnd);
            }
        }
    }

    static void userList(BlockReader b, List<UserInfo> users, List<GroupInfo> groups) {
        boolean v2 = b.type() == ScapBlocks.UL_V2;
        BodyCursor c = cursor(b);
        int blockEnd = c.end();
        while (blockEnd - c.position() >= 4) {
            int start = c.position();
            long subLen = 0;
            if (v2) {
                subLen = c.u32("entry length");
                if (subLen < 4 || subLen > blockEnd - start) {
                    throw new ScapFormatException(
                            b.bodyOffset() + start,
                            ScapBlocks.describe(b.type())
                                    + ": user entry length " + subLen + " does not fit the block (" + (blockEnd - start)
                                    + " bytes left)");
                }
                c.limit(start + (int) subLen);
            }
            int kind = c.u8("entry type");
            if (kind == USERBLOCK_TYPE_USER) {
                int uid = c.i32("uid");
                int gid = c.i32("gid");
                String name = c.lenText("user name");
                String home = c.lenText("homedir");
                String shell = c.lenText("shell");
                users.add(new UserInfo(uid, gid, name, home, shell));
            } else {
                int gid = c.i32("gid");
                groups.add(new GroupInfo(gid, c.lenText("group name")));
            }
            if (subLen != 0) {
                c.seek(c.end());
                c.limit(blockEnd);
            }
        }
    }
}
