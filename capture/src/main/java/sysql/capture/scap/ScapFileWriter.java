// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * {@code 0x216} ({@code u16 cpu} + the event with its 26-byte header). Each block other than the events is built
 * in a {@link BlockBuilder}; events go through one reused scratch array, so writing an event allocates nothing.
 *
 * <p>What sysdig 0.29.3 does not know is {@link Sysdig029Compat}'s: when {@link Options#sysdigCompatible()}, the
 * events it lacks are written as its generic syscall event and the fd types it lacks as the ones it has; process
 * list entries end as it reads them in every mode. Without that option every event and fd is written as it is,
 * for sysql's own reader. An fd list naming a thread the process list lacks, which sysdig refuses ("corrupted trace
 * file"), is never written: such fds are skipped and counted.
 */
public final class ScapFileWriter implements AutoCloseable {
    /** Event codes from here up are not in sysdig 0.29.3's event table ({@link Sysdig029Compat#EVENT_LIMIT}). */
    public static final int SYSDIG_EVENT_LIMIT = Sysdig029Compat.EVENT_LIMIT;
    /** fd type codes from here up are not known to sysdig 0.29.3 ({@link Sysdig029Compat#FD_TYPE_LIMIT}). */
    public static final int SYSDIG_FD_TYPE_LIMIT = Sysdig029Compat.FD_TYPE_LIMIT;
    /** Section header version written (libscap 0.29.3's CURRENT_MINOR_VERSION). */
    static final int MINOR_VERSION = 2;
    /** libscap's longest path (comm, exe, cwd, fd names …); longer ones are cut. */
    static final int MAX_PATH = 1024;
    /** libscap's longest argument, environment and cgroup lists. */
    static final int MAX_LIST = 4096;
    /** libscap's longest user or group name. */
    static final int MAX_CREDENTIAL = 256;

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
     * writes as the generic syscall event ({@link Sysdig029Compat#needsDowngrade(int)}).
     */
    public static boolean needsDowngrade(int typeCode) {
        return Sysdig029Compat.needsDowngrade(typeCode);
    }

    /**
     * An fd as a sysdig-compatible writer writes it: of a type sysdig 0.29.3 does not know, as the one libscap of
     * that version would have recorded ({@link Sysdig029Compat#downgrade(ScapFdInfo)}).
     */
    public static ScapFdInfo forSysdig(ScapFdInfo f) {
        return Sysdig029Compat.downgrade(f);
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
        if (options.sysdigCompatible() && Sysdig029Compat.needsDowngrade(code)) {
            ensureScratch(Sysdig029Compat.MAX_DOWNGRADED_LEN);
            evLen = Sysdig029Compat.downgrade(e, scratchView, 10);
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
        BlockBuilder b = new BlockBuilder();
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
        Set<Long> tids = new HashSet<>();
        for (ProcessInfo p : s.processes()) {
            tids.add(p.tid());
        }
        Map<Long, List<ScapFdInfo>> byTid = new LinkedHashMap<>();
        for (ScapFdInfo f : s.fds()) {
            if (f.type() == ScapFdType.UNKNOWN || !tids.contains(f.tid())) {
                fdsSkipped++; // libscap does not write unknown fds either
                continue;
            }
            byTid.computeIfAbsent(f.tid(), t -> new ArrayList<>())
                    .add(options.sysdigCompatible() ? Sysdig029Compat.downgrade(f) : f);
        }
        for (Map.Entry<Long, List<ScapFdInfo>> e : byTid.entrySet()) {
            b.start(ScapBlocks.FDL_V2).i64(e.getKey());
            for (ScapFdInfo f : e.getValue()) {
                writeFd(b, f);
            }
            emitBlock(b);
        }
    }

    private static void writeInterface(BlockBuilder b, InterfaceInfo i) {
        int type = i.type();
        boolean v4 = type == 1 || type == 3;
        boolean speed = type == 1 || type == 2;
        int alen = v4 ? 4 : 16;
        byte[] name = BlockBuilder.utf8(i.name(), MAX_PATH);
        int entryLen = 4 + 3 * alen + (speed ? 8 : 0) + name.length;
        b.i32(entryLen).u16(type).u16(name.length);
        b.address(i.addr(), alen).address(i.netmask(), alen).address(i.bcast(), alen);
        if (speed) {
            b.i64(i.linkspeed());
        }
        b.bytes(name);
    }

    private static void writeProcess(BlockBuilder b, ProcessInfo p) {
        int at = b.entry();
        b.i64(p.tid()).i64(p.pid()).i64(p.ptid()).i64(p.sid()).i64(p.vpgid());
        b.lenText(p.comm(), MAX_PATH).lenText(p.exe(), MAX_PATH).lenText(p.exepath(), MAX_PATH);
        b.lenStrings(p.args(), MAX_LIST).lenText(p.cwd(), MAX_PATH);
        b.i64(p.fdlimit()).i32(p.flags()).i32(p.uid()).i32(p.gid());
        b.i32(p.vmsizeKb()).i32(p.vmrssKb()).i32(p.vmswapKb()).i64(p.pfmajor()).i64(p.pfminor());
        b.lenStrings(p.env(), MAX_LIST).i64(p.vtid()).i64(p.vpid()).lenStrings(p.cgroups(), MAX_LIST);
        b.lenText(p.root(), MAX_PATH);
        Sysdig029Compat.writeProcessTail(b, p);
        b.endEntry(at);
    }

    private static void writeFd(BlockBuilder b, ScapFdInfo f) {
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

    private void emitBlock(BlockBuilder b) throws CaptureException {
        b.finish();
        emit(b.data, 0, b.size);
    }
}
