// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import sysql.capture.CaptureException;
import sysql.capture.CaptureException.Reason;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.MalformedEventException;
import sysql.driver.EventTables;

/**
 * Writes a sysdig capture file ({@code .scap}) that sysdig 0.29.3 and {@link ScapFileSource} read: the section
 * header, the machine, the interface list, the user list, the process list and one fd list per thread (the state
 * when the capture started, from an {@link InitialState}), then one event block per event, streaming (one event
 * in memory at a time).
 *
 * <p>Blocks written, as libscap of sysdig 0.29.3 writes them: section header 1.2 ({@code 0x0A0D0D0A}, section
 * length -1), machine info {@code 0x201}, interface list v2 {@code 0x219}, user list v2 {@code 0x220}, process
 * list v9 {@code 0x215} (every field through the capability sets), fd list v2 {@code 0x218}, events
 * {@code 0x216} ({@code u16 cpu} + the event with its 26-byte header).
 *
 * <p>Events sysdig 0.29.3 does not know (sysql's typed events for newer syscalls, codes 338..405, and its
 * generic event with raw arguments, 1000/1001) are written, when {@link Options#sysdigCompatible()}, as sysdig's
 * generic syscall event: enter {@code GENERIC_E(ID, nativeID)}, exit {@code GENERIC_X(ID)}, with the same
 * timestamp, thread and cpu ({@code ID} is sysdig's syscall code, {@code nativeID} the x86_64 syscall number).
 * Without that option every event is written as it is, for sysql's own reader.
 *
 * <p>What sysdig 0.29.3 refuses, and the writer therefore never writes: an fd list naming a thread the process
 * list lacks ("corrupted trace file": such fds are skipped and counted), and, when sysdig-compatible, fd types from
 * 17 up ("wrong fd type": a memfd is written as the file it looks like, the others as unsupported). Process list
 * entries carry, after the root, exactly what libscap of sysdig 0.29.3 reads (loginuid, exe_writable and the three
 * capability sets); later fields (pidns_init_start_ts, tty, exe_upper_layer …) are not written, since libs 0.10
 * placed some of them before loginuid where 0.29.3 would misread them.
 */
public final class ScapFileWriter implements AutoCloseable {
    /** Event codes from here up are not in sysdig 0.29.3's event table. */
    public static final int SYSDIG_EVENT_LIMIT = 338;
    /** fd type codes from here up are not known to sysdig 0.29.3 (BPF, userfaultfd, io_uring, memfd, pidfd). */
    public static final int SYSDIG_FD_TYPE_LIMIT = 17;
    /** Section header version written (libscap 0.29.3's CURRENT_MINOR_VERSION). */
    static final int MINOR_VERSION = 2;
    /** libscap's longest path (comm, exe, cwd, fd names …); longer ones are cut. */
    static final int MAX_PATH = 1024;
    /** libscap's longest argument, environment and cgroup lists. */
    static final int MAX_LIST = 4096;
    /** libscap's longest user or group name. */
    static final int MAX_CREDENTIAL = 256;

    private static final int HEADER_LEN = Event.HEADER_LEN;
    private static final int GENERIC_E = EventTables.EVENT_GENERIC_E;
    private static final int GENERIC_ARGS_E = EventTables.EVENT_GENERIC_ARGS_E;
    /** For each extension enter event code: {x86_64 syscall number, sysdig syscall code}. */
    private static final int[][] EXTENSION_SYSCALL = new int[EventTables.EVENT_CODE_LIMIT][];

    static {
        EventTables.syscalls((nr, name, syscallCode, enterEvent, flags) -> {
            if (enterEvent >= SYSDIG_EVENT_LIMIT
                    && enterEvent < EXTENSION_SYSCALL.length
                    && enterEvent != GENERIC_ARGS_E
                    && EXTENSION_SYSCALL[enterEvent] == null) {
                EXTENSION_SYSCALL[enterEvent] = new int[] {nr, syscallCode};
            }
        });
    }

    /**
     * How to write.
     *
     * @param sysdigCompatible write events sysdig 0.29.3 does not know as its generic syscall event (default); when
     *     false they are written as they are, and only sysql reads them whole
     * @param gzip compress the file (sysdig and {@link ScapFileSource} both detect it)
     */
    public record Options(boolean sysdigCompatible, boolean gzip) {
        public static Options defaults() {
            return new Options(true, false);
        }

        public Options withSysdigCompatible(boolean on) {
            return new Options(on, gzip);
        }

        public Options withGzip(boolean on) {
            return new Options(sysdigCompatible, on);
        }
    }

    private final String name;
    private final Options options;
    private final OutputStream out;
    private final Event view = new Event();
    private byte[] scratch = new byte[16 + EventTables.EVENT_MAX_SIZE];
    private ByteBuffer scratchView;
    private long offset;
    private long eventsWritten;
    private long eventsDowngraded;
    private long fdsSkipped;
    private CaptureException failure;
    private boolean closed;

    private ScapFileWriter(String name, OutputStream out, Options options) {
        this.name = name;
        this.out = out;
        this.options = options;
        this.scratchView = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Creates (or replaces) {@code file} and writes everything before the first event.
     *
     * @throws CaptureException ({@code IO}) if the file cannot be created or written
     */
    public static ScapFileWriter create(Path file, InitialState state, Options options) throws CaptureException {
        String name = file.getFileName() != null ? file.getFileName().toString() : file.toString();
        OutputStream raw;
        try {
            raw = Files.newOutputStream(file);
        } catch (IOException | SecurityException e) {
            throw new CaptureException(Reason.IO, name + ": cannot create " + file + ": " + describe(e), e);
        }
        return open(name, raw, state, options);
    }

    /**
     * Writes a capture to a stream ({@code name} is used in messages); the writer owns the stream and closes it.
     */
    public static ScapFileWriter open(String name, OutputStream raw, InitialState state, Options options)
            throws CaptureException {
        OutputStream out;
        try {
            out = options.gzip() ? new GZIPOutputStream(raw, 1 << 16) : new BufferedOutputStream(raw, 1 << 16);
        } catch (IOException e) {
            closeQuietly(raw);
            throw new CaptureException(Reason.IO, name + ": cannot start the gzip stream: " + describe(e), e);
        }
        ScapFileWriter w = new ScapFileWriter(name, out, options);
        try {
            w.writeHead(state);
        } catch (CaptureException e) {
            closeQuietly(out);
            throw e;
        }
        return w;
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // the first error is the one reported
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m != null && !m.isBlank() ? m : e.getClass().getSimpleName();
    }

    /** The file's name, as used in messages. */
    public String name() {
        return name;
    }

    public Options options() {
        return options;
    }

    /** Events written so far. */
    public long eventsWritten() {
        return eventsWritten;
    }

    /** Events written as sysdig's generic event because sysdig 0.29.3 does not know their type. */
    public long eventsDowngraded() {
        return eventsDowngraded;
    }

    /**
     * fds of the initial state not written: of unknown type (libscap does not write them either), or of a thread
     * the process list lacks (sysdig refuses such a file).
     */
    public long fdsSkipped() {
        return fdsSkipped;
    }

    /** Bytes written so far (before compression). */
    public long bytesWritten() {
        return offset;
    }

    /**
     * Whether {@code typeCode} is an event type sysdig 0.29.3 does not know, which a sysdig-compatible writer
     * writes as the generic syscall event.
     */
    public static boolean needsDowngrade(int typeCode) {
        return typeCode >= SYSDIG_EVENT_LIMIT;
    }

    /** Appends one event (its {@link Event#cpu()} becomes the block's cpu). */
    public void write(Event e) throws CaptureException {
        writeEvent(e.cpu(), e.buffer(), e.offset(), e.length(), e);
    }

    /** Appends every event of the batch, in order; the batch's read cursor is left alone. */
    public void write(EventBatch batch) throws CaptureException {
        ByteBuffer buf = batch.buffer();
        int pos = 0;
        int end = batch.bytes();
        while (pos < end) {
            if (pos + 2 > end) {
                throw new MalformedEventException("record header at offset " + pos + " runs past the batch end " + end);
            }
            int cpu = buf.getShort(pos) & 0xffff;
            view.wrap(buf, pos + 2, cpu);
            writeEvent(cpu, buf, pos + 2, view.length(), view);
            pos += 2 + view.length();
        }
    }

    /**
     * Appends one event given as bytes: the 26-byte-header event at {@code offset} of {@code buf} (little endian).
     *
     * @throws MalformedEventException if the bytes are not one well-formed event
     */
    public void write(int cpu, ByteBuffer buf, int offset) throws CaptureException {
        view.wrap(buf, offset, cpu);
        writeEvent(cpu, buf, offset, view.length(), view);
    }

    private void writeEvent(int cpu, ByteBuffer buf, int off, int len, Event e) throws CaptureException {
        checkOpen();
        int code = e.typeCode();
        int evLen;
        if (options.sysdigCompatible() && needsDowngrade(code)) {
            evLen = downgrade(e);
            eventsDowngraded++;
        } else {
            ensureScratch(len);
            buf.get(off, scratch, 10, len);
            evLen = len;
        }
        int body = 2 + evLen;
        int total = 8 + pad4(body) + 4;
        scratchView.putInt(0, ScapBlocks.EV_V2);
        scratchView.putInt(4, total);
        scratchView.putShort(8, (short) cpu);
        int p = 10 + evLen;
        while (p < 8 + pad4(body)) {
            scratch[p++] = 0;
        }
        scratchView.putInt(p, total);
        emit(scratch, 0, total);
        eventsWritten++;
    }

    /** Writes the generic event standing for {@code e} at scratch offset 10; returns its length. */
    private int downgrade(Event e) {
        int code = e.typeCode();
        boolean enter = (code & 1) == 0;
        int id;
        int nativeId;
        if ((code & ~1) == GENERIC_ARGS_E) {
            id = e.nparams() > 0 && e.paramLength(0) == 2 ? (int) e.paramAsLong(0) & 0xffff : 0;
            nativeId = e.nparams() > 1 && e.paramLength(1) == 2 ? (int) e.paramAsLong(1) & 0xffff : 0;
        } else {
            int[] sc = EXTENSION_SYSCALL[code & ~1];
            nativeId = sc != null ? sc[0] : 0;
            id = sc != null ? sc[1] : 0;
        }
        int np = enter ? 2 : 1;
        int len = HEADER_LEN + 2 * np + 2 * np;
        ensureScratch(len);
        ByteBuffer s = scratchView;
        int b = 10;
        s.putLong(b, e.ts());
        s.putLong(b + 8, e.tid());
        s.putInt(b + 16, len);
        s.putShort(b + 20, (short) (enter ? GENERIC_E : GENERIC_E + 1));
        s.putInt(b + 22, np);
        int q = b + HEADER_LEN;
        for (int i = 0; i < np; i++) {
            s.putShort(q, (short) 2);
            q += 2;
        }
        s.putShort(q, (short) id);
        if (enter) {
            s.putShort(q + 2, (short) nativeId);
        }
        return len;
    }

    private void ensureScratch(int eventLen) {
        int need = 16 + eventLen;
        if (need > scratch.length) {
            scratch = new byte[need];
            scratchView = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static int pad4(int n) {
        return (n + 3) & ~3;
    }

    private void checkOpen() throws CaptureException {
        if (failure != null) {
            throw failure;
        }
        if (closed) {
            throw new CaptureException(Reason.STATE, name + ": the capture file is closed");
        }
    }

    private void emit(byte[] b, int off, int len) throws CaptureException {
        try {
            out.write(b, off, len);
            offset += len;
        } catch (IOException e) {
            failure =
                    new CaptureException(Reason.IO, name + ": write error at offset " + offset + ": " + describe(e), e);
            throw failure;
        }
    }

    /** Hands what was written so far to the file (a gzip stream keeps what it has not compressed yet). */
    public void flush() throws CaptureException {
        checkOpen();
        try {
            out.flush();
        } catch (IOException e) {
            failure =
                    new CaptureException(Reason.IO, name + ": write error at offset " + offset + ": " + describe(e), e);
            throw failure;
        }
    }

    /**
     * Finishes the file. Idempotent.
     *
     * @throws CaptureException ({@code IO}) if the last bytes cannot be written (not again when a write already
     *     failed)
     */
    @Override
    public void close() throws CaptureException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            if (failure != null) {
                return; // already reported by the write that failed
            }
            failure = new CaptureException(
                    Reason.IO, name + ": write error at offset " + offset + " (closing): " + describe(e), e);
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "ScapFileWriter[" + name + (options.gzip() ? ", gzip" : "") + ", " + eventsWritten + " events]";
    }

    // ----------------------------------------------------------------------------------------------------------
    // Everything before the first event

    private void writeHead(InitialState s) throws CaptureException {
        Block b = new Block();
        // section header: magic, version, section length -1 (unknown)
        b.start(ScapBlocks.SHB)
                .i32(ScapBlocks.SHB_MAGIC)
                .u16(ScapBlocks.MAJOR_VERSION)
                .u16(MINOR_VERSION)
                .i64(-1);
        emitBlock(b);
        if (s == null) {
            return;
        }
        if (s.machine() != null) {
            MachineInfo m = s.machine();
            b.start(ScapBlocks.MI).i32(m.numCpus()).i64(m.memorySizeBytes()).i64(m.maxPid());
            b.fixedText(m.hostname(), 128)
                    .i64(m.bootTsEpoch())
                    .i64(m.flags())
                    .i64(m.reserved3())
                    .i64(m.reserved4());
            emitBlock(b);
        }
        if (!s.interfaces().isEmpty()) {
            b.start(ScapBlocks.IL_V2);
            for (InterfaceInfo i : s.interfaces()) {
                writeInterface(b, i);
            }
            emitBlock(b);
        }
        if (!s.users().isEmpty() || !s.groups().isEmpty()) {
            b.start(ScapBlocks.UL_V2);
            for (UserInfo u : s.users()) {
                int at = b.entry();
                b.u8(0)
                        .i32(u.uid())
                        .i32(u.gid())
                        .lenText(u.name(), MAX_CREDENTIAL)
                        .lenText(u.homedir(), MAX_PATH)
                        .lenText(u.shell(), MAX_PATH);
                b.endEntry(at);
            }
            for (GroupInfo g : s.groups()) {
                int at = b.entry();
                b.u8(1).i32(g.gid()).lenText(g.name(), MAX_CREDENTIAL);
                b.endEntry(at);
            }
            emitBlock(b);
        }
        if (!s.processes().isEmpty()) {
            b.start(ScapBlocks.PL_V9);
            for (ProcessInfo p : s.processes()) {
                writeProcess(b, p);
            }
            emitBlock(b);
        }
        // sysdig refuses a file whose fd list names a thread the process list lacks ("corrupted trace file")
        java.util.Set<Long> tids = new java.util.HashSet<>();
        for (ProcessInfo p : s.processes()) {
            tids.add(p.tid());
        }
        Map<Long, List<ScapFdInfo>> byTid = new LinkedHashMap<>();
        for (ScapFdInfo f : s.fds()) {
            if (f.type() == ScapFdType.UNKNOWN || !tids.contains(f.tid())) {
                fdsSkipped++; // libscap does not write unknown fds either
                continue;
            }
            byTid.computeIfAbsent(f.tid(), t -> new ArrayList<>()).add(options.sysdigCompatible() ? forSysdig(f) : f);
        }
        for (Map.Entry<Long, List<ScapFdInfo>> e : byTid.entrySet()) {
            b.start(ScapBlocks.FDL_V2).i64(e.getKey());
            for (ScapFdInfo f : e.getValue()) {
                writeFd(b, f);
            }
            emitBlock(b);
        }
    }

    /**
     * An fd of a type sysdig 0.29.3 does not know (it refuses the file: "wrong fd type") as the one libscap of that
     * version would have recorded: a memfd as the file it looks like in /proc, the others as unsupported.
     */
    public static ScapFdInfo forSysdig(ScapFdInfo f) {
        if (f.type().code() < SYSDIG_FD_TYPE_LIMIT) {
            return f;
        }
        if (f.type() == ScapFdType.MEMFD) {
            return new ScapFdInfo(
                    f.tid(),
                    f.fd(),
                    f.ino(),
                    ScapFdType.FILE_V2,
                    f.name(),
                    f.openFlags(),
                    f.dev(),
                    null,
                    null,
                    0,
                    0,
                    0,
                    0,
                    0);
        }
        return new ScapFdInfo(
                f.tid(), f.fd(), f.ino(), ScapFdType.UNSUPPORTED, f.name(), 0, 0, null, null, 0, 0, 0, 0, 0);
    }

    private static void writeInterface(Block b, InterfaceInfo i) {
        int type = i.type();
        boolean v4 = type == 1 || type == 3;
        boolean speed = type == 1 || type == 2;
        int alen = v4 ? 4 : 16;
        byte[] name = utf8(i.name(), MAX_PATH);
        int entryLen = 4 + 3 * alen + (speed ? 8 : 0) + name.length;
        b.i32(entryLen).u16(type).u16(name.length);
        b.address(i.addr(), alen).address(i.netmask(), alen).address(i.bcast(), alen);
        if (speed) {
            b.i64(i.linkspeed());
        }
        b.bytes(name);
    }

    private static void writeProcess(Block b, ProcessInfo p) {
        int at = b.entry();
        b.i64(p.tid()).i64(p.pid()).i64(p.ptid()).i64(p.sid()).i64(p.vpgid());
        b.lenText(p.comm(), MAX_PATH).lenText(p.exe(), MAX_PATH).lenText(p.exepath(), MAX_PATH);
        b.lenStrings(p.args(), MAX_LIST).lenText(p.cwd(), MAX_PATH);
        b.i64(p.fdlimit()).i32(p.flags()).i32(p.uid()).i32(p.gid());
        b.i32(p.vmsizeKb()).i32(p.vmrssKb()).i32(p.vmswapKb()).i64(p.pfmajor()).i64(p.pfminor());
        b.lenStrings(p.env(), MAX_LIST).i64(p.vtid()).i64(p.vpid()).lenStrings(p.cgroups(), MAX_LIST);
        b.lenText(p.root(), MAX_PATH);
        // the tail as libscap of sysdig 0.29.3 writes and reads it
        b.i32(p.loginuid()).u8(p.exeWritable() ? 1 : 0);
        b.i64(p.capInheritable()).i64(p.capPermitted()).i64(p.capEffective());
        b.endEntry(at);
    }

    private static void writeFd(Block b, ScapFdInfo f) {
        int at = b.entry();
        b.i64(f.fd()).i64(f.ino()).u8(f.type().code());
        switch (f.type()) {
            case IPV4_SOCK ->
                b.address(f.sip(), 4)
                        .address(f.dip(), 4)
                        .u16(f.sport())
                        .u16(f.dport())
                        .u8(f.l4proto());
            case IPV6_SOCK ->
                b.address(f.sip(), 16)
                        .address(f.dip(), 16)
                        .u16(f.sport())
                        .u16(f.dport())
                        .u8(f.l4proto());
            case IPV4_SERVSOCK -> b.address(f.sip(), 4).u16(f.sport()).u8(f.l4proto());
            case IPV6_SERVSOCK -> b.address(f.sip(), 16).u16(f.sport()).u8(f.l4proto());
            case UNIX_SOCK -> b.i64(f.unixSource()).i64(f.unixDestination()).lenText(f.name(), MAX_PATH);
            case FILE_V2 -> b.i32(f.openFlags()).lenText(f.name(), MAX_PATH).i32(f.dev());
            default -> b.lenText(f.name(), MAX_PATH);
        }
        b.endEntry(at);
    }

    private void emitBlock(Block b) throws CaptureException {
        b.finish();
        emit(b.data, 0, b.size);
    }

    static byte[] utf8(String s, int max) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        if (b.length <= max) {
            return b;
        }
        int n = max;
        while (n > 0 && (b[n] & 0xc0) == 0x80) {
            n--; // do not cut a character in two
        }
        byte[] c = new byte[n];
        System.arraycopy(b, 0, c, 0, n);
        return c;
    }

    /** A block being built: header, body, padding and trailer, little endian, growing as needed. */
    private static final class Block {
        byte[] data = new byte[1 << 12];
        int size;

        Block start(int type) {
            size = 0;
            i32(type);
            i32(0); // total length, set by finish()
            return this;
        }

        void finish() {
            while ((size & 3) != 0) {
                u8(0);
            }
            int total = size + 4;
            putInt(4, total);
            i32(total);
        }

        /** Starts an entry with a u32 length that includes itself; returns where it starts. */
        int entry() {
            int at = size;
            i32(0);
            return at;
        }

        void endEntry(int at) {
            putInt(at, size - at);
        }

        private void ensure(int n) {
            if (size + n > data.length) {
                data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, size + n));
            }
        }

        private void putInt(int at, int v) {
            data[at] = (byte) v;
            data[at + 1] = (byte) (v >>> 8);
            data[at + 2] = (byte) (v >>> 16);
            data[at + 3] = (byte) (v >>> 24);
        }

        Block u8(int v) {
            ensure(1);
            data[size++] = (byte) v;
            return this;
        }

        Block u16(int v) {
            ensure(2);
            data[size++] = (byte) v;
            data[size++] = (byte) (v >>> 8);
            return this;
        }

        Block i32(int v) {
            ensure(4);
            putInt(size, v);
            size += 4;
            return this;
        }

        Block i64(long v) {
            i32((int) v);
            return i32((int) (v >>> 32));
        }

        Block bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, data, size, b.length);
            size += b.length;
            return this;
        }

        Block lenText(String s, int max) {
            byte[] b = utf8(s, max);
            u16(b.length);
            return bytes(b);
        }

        /** A text field of fixed width, NUL-padded (the machine's host name). */
        Block fixedText(String s, int width) {
            byte[] b = utf8(s, width - 1);
            bytes(b);
            for (int i = b.length; i < width; i++) {
                u8(0);
            }
            return this;
        }

        /** A u16 length then each string followed by a NUL, as many whole strings as fit in {@code max}. */
        Block lenStrings(List<String> list, int max) {
            int lenAt = size;
            u16(0);
            int n = 0;
            for (String s : list) {
                byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
                if (n + b.length + 1 > max) {
                    break;
                }
                bytes(b);
                u8(0);
                n += b.length + 1;
            }
            data[lenAt] = (byte) n;
            data[lenAt + 1] = (byte) (n >>> 8);
            return this;
        }

        /** An address in network byte order, {@code len} bytes; null (or the other family) as zeros. */
        Block address(InetAddress a, int len) {
            byte[] b = a == null ? null : a.getAddress();
            if (b == null || b.length != len) {
                if (b != null && len == 16 && a instanceof Inet4Address) {
                    byte[] m = new byte[16]; // IPv4 in an IPv6 slot: v4-mapped
                    m[10] = (byte) 0xff;
                    m[11] = (byte) 0xff;
                    System.arraycopy(b, 0, m, 12, 4);
                    return bytes(m);
                }
                if (b != null && len == 4 && a instanceof Inet6Address && isV4Mapped(b)) {
                    return bytes(java.util.Arrays.copyOfRange(b, 12, 16));
                }
                return bytes(new byte[len]);
            }
            return bytes(b);
        }

        private static boolean isV4Mapped(byte[] b) {
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return false;
                }
            }
            return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        }
    }
}
