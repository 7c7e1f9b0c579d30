// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import sysql.capture.CaptureException;
import sysql.capture.CaptureException.Reason;
import sysql.capture.EventBatch;
import sysql.capture.EventSource;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.driver.EventTables;

/**
 * A sysdig capture file ({@code .scap}, plain or gzip-compressed) as an {@link EventSource}: the same events, in
 * the same encoding, as live capture.
 *
 * <p>{@link #open} reads the section header and every metadata block before the first event (machine, threads,
 * fd tables, interfaces, users and groups: {@link #initialState()}). {@link #fill} then streams the event blocks
 * into batches, file order kept: each record is the block's {@code u16 cpu} and the event with the 26-byte header;
 * events of the old 22-byte-header blocks are re-encoded (their nparams worked out from the event table as
 * libscap does) and the flags of flagged event blocks are dropped. Every event is checked (lengths against its
 * block, parameter lengths against the header) before it goes out.
 *
 * <p>The file is streamed: memory is one block (at most 256 MiB) plus buffers, whatever the file's size. Unknown
 * block types are skipped and counted, as are metadata blocks that come after the events started (a merged file's
 * later sections). A damaged or truncated file yields every event before the damage, then {@link #fill} throws a
 * {@link CaptureException} ({@link Reason#FILE_FORMAT}) naming the file, the offset (in the uncompressed stream)
 * and the problem; it keeps throwing it on later calls. Not thread-safe: one thread fills.
 */
public final class ScapFileSource implements EventSource {
    /** Most parameters an event may have (what the decoder accepts). */
    static final int MAX_PARAMS = EventTables.MAX_EVENT_PARAMS;

    private static final int HEADER_LEN = EventTables.HEADER_LEN;
    private static final int OLD_HEADER_LEN = EventTables.OLD_HEADER_LEN;

    private final String name;
    private final boolean compressed;
    private final ScapInput input;
    private final BlockReader blocks;
    private final InitialState initialState;

    /** True when {@link #blocks} holds an event block read but not yet delivered. */
    private boolean pending;
    /** For the pending block: -1 not prepared yet, 0 skip, else the event's length once re-encoded. */
    private int preparedLength = -1;

    private int evCpu;
    private int evOffset;
    private int evNparams;
    private boolean evOld;
    private boolean ended;
    private boolean closed;
    private CaptureException failure;
    private long eventsRead;
    private long skippedBlocks;
    private long skippedEvents;

    private ScapFileSource(
            String name,
            boolean compressed,
            ScapInput input,
            BlockReader blocks,
            InitialState state,
            boolean pending,
            long skippedBlocks) {
        this.name = name;
        this.compressed = compressed;
        this.input = input;
        this.blocks = blocks;
        this.initialState = state;
        this.pending = pending;
        this.ended = !pending;
        this.skippedBlocks = skippedBlocks;
    }

    /**
     * Opens a capture file and reads everything before its first event.
     *
     * @throws CaptureException if the file cannot be read, is not a sysdig capture file, or its metadata is damaged
     */
    public static ScapFileSource open(Path file) throws CaptureException {
        String name = file.getFileName() != null ? file.getFileName().toString() : file.toString();
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new CaptureException(Reason.IO, name + ": no such file (" + file + ")", e);
        } catch (IOException | SecurityException e) {
            throw new CaptureException(Reason.IO, name + ": cannot open: " + e, e);
        }
        return open(name, raw);
    }

    /**
     * Reads a capture from a stream (plain or gzip); {@code name} is used in messages. The source owns the stream
     * and closes it.
     *
     * @throws CaptureException if the stream cannot be read, is not a sysdig capture, or its metadata is damaged;
     *     a stream that does not start with a section header block is refused without quoting any of its bytes
     */
    public static ScapFileSource open(String name, InputStream raw) throws CaptureException {
        boolean gzip = false;
        ScapInput input = null;
        try {
            BufferedInputStream bin = new BufferedInputStream(raw, 1 << 16);
            bin.mark(2);
            int b0 = bin.read();
            int b1 = bin.read();
            bin.reset();
            gzip = b0 == 0x1f && b1 == 0x8b;
            input = new ScapInput(gzip ? new GZIPInputStream(bin, 1 << 16) : bin);
            BlockReader blocks = new BlockReader(input);
            return readHead(name, gzip, input, blocks);
        } catch (ScapFormatException e) {
            closeQuietly(input, raw);
            throw formatError(name, gzip, e);
        } catch (IOException e) {
            closeQuietly(input, raw);
            throw ioError(name, gzip, input != null ? input.offset() : 0, e);
        } catch (RuntimeException | Error e) {
            closeQuietly(input, raw);
            throw e;
        }
    }

    private static void closeQuietly(ScapInput input, InputStream raw) {
        if (input != null) {
            input.close();
        } else {
            try {
                raw.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private static ScapFileSource readHead(String name, boolean gzip, ScapInput input, BlockReader blocks)
            throws IOException {
        // The signature first (block type and byte-order magic): until it is there the bytes may be anything
        // (a password file, a key), and no message may quote one of them.
        byte[] signature = new byte[SIGNATURE_BYTES];
        int n = input.peek(signature, SIGNATURE_BYTES);
        if (n == 0) {
            throw new ScapFormatException(0, "empty file, not a sysdig capture file");
        }
        if (n < SIGNATURE_BYTES && n >= 4 && ByteBuffer.wrap(signature).getInt(0) == ScapBlocks.SHB) {
            throw new ScapFormatException(0, "truncated section header block (" + n + " bytes in all)");
        }
        if (!startsWithSectionHeader(signature, n)) {
            throw new ScapFormatException(0, NOT_A_CAPTURE);
        }
        if (!blocks.nextHeader()) {
            throw new ScapFormatException(0, "empty file, not a sysdig capture file");
        }
        blocks.readBody();
        SectionHeader section = MetadataParser.section(blocks);
        MachineInfo machine = null;
        List<ProcessInfo> processes = new ArrayList<>();
        List<ScapFdInfo> fds = new ArrayList<>();
        List<InterfaceInfo> interfaces = new ArrayList<>();
        List<UserInfo> users = new ArrayList<>();
        List<GroupInfo> groups = new ArrayList<>();
        long skipped = 0;
        boolean pending = false;
        while (blocks.nextHeader()) {
            int type = blocks.type();
            blocks.readBody();
            if (ScapBlocks.isEvent(type)) {
                pending = true;
                break;
            }
            if (ScapBlocks.processListVersion(type) != 0) {
                MetadataParser.processList(blocks, processes);
                continue;
            }
            switch (type) {
                case ScapBlocks.MI, ScapBlocks.MI_INT -> machine = MetadataParser.machine(blocks);
                case ScapBlocks.FDL, ScapBlocks.FDL_INT, ScapBlocks.FDL_V2 -> MetadataParser.fdList(blocks, fds);
                case ScapBlocks.IL, ScapBlocks.IL_INT, ScapBlocks.IL_V2 -> {
                    interfaces.clear(); // a later list replaces an earlier one, as in libscap
                    MetadataParser.interfaceList(blocks, interfaces);
                }
                case ScapBlocks.UL, ScapBlocks.UL_INT, ScapBlocks.UL_V2 -> {
                    users.clear();
                    groups.clear();
                    MetadataParser.userList(blocks, users, groups);
                }
                default -> skipped++;
            }
        }
        InitialState state = new InitialState(section, machine, processes, fds, interfaces, users, groups);
        return new ScapFileSource(name, gzip, input, blocks, state, pending, skipped);
    }

    /** The bytes that make a capture file: the section header's block type, its length, its byte-order magic. */
    private static final int SIGNATURE_BYTES = 12;

    /** What is said of a file without the signature: nothing of its content. */
    static final String NOT_A_CAPTURE = "not a sysdig capture file (it does not start with a section header block)";

    /** The section header's block type, then (after its length) the byte-order magic, either byte order. */
    private static boolean startsWithSectionHeader(byte[] b, int n) {
        if (n < SIGNATURE_BYTES) {
            return false;
        }
        ByteBuffer head = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int magic = head.getInt(8);
        return head.getInt(0) == ScapBlocks.SHB
                && (magic == ScapBlocks.SHB_MAGIC || magic == Integer.reverseBytes(ScapBlocks.SHB_MAGIC));
    }

    private static CaptureException formatError(String name, boolean gzip, ScapFormatException e) {
        return new CaptureException(
                Reason.FILE_FORMAT,
                name + ": " + e.problem() + " at " + (gzip ? "uncompressed offset " : "offset ") + e.offset(),
                e);
    }

    private static CaptureException ioError(String name, boolean gzip, long offset, IOException e) {
        String at = (gzip ? "uncompressed offset " : "offset ") + offset;
        if (gzip && e instanceof EOFException) {
            return new CaptureException(
                    Reason.FILE_FORMAT, name + ": gzip stream ends early (truncated file) at " + at, e);
        }
        if (gzip && e instanceof ZipException) {
            return new CaptureException(
                    Reason.FILE_FORMAT, name + ": damaged gzip stream at " + at + ": " + e.getMessage(), e);
        }
        return new CaptureException(Reason.IO, name + ": read error at " + at + ": " + e, e);
    }

    /** The file's name, as used in messages. */
    public String name() {
        return name;
    }

    /** True when the file is gzip-compressed. */
    public boolean compressed() {
        return compressed;
    }

    /** The machine, threads, fds, interfaces, users and groups recorded before the first event. */
    public InitialState initialState() {
        return initialState;
    }

    /** Events delivered so far. */
    public long eventsRead() {
        return eventsRead;
    }

    /** Blocks skipped: unknown types, and metadata blocks after the first event. */
    public long skippedBlocks() {
        return skippedBlocks;
    }

    /** Events skipped: old-format events of a type the event table does not know (their layout is unknowable). */
    public long skippedEvents() {
        return skippedEvents;
    }

    /**
     * Fills the batch with the next whole events of the file; never waits ({@code timeoutMillis} is ignored).
     *
     * @return false at the end of the file (the batch is then empty)
     * @throws CaptureException at damage in the file, after every event before it was delivered
     */
    @Override
    public boolean fill(EventBatch batch, long timeoutMillis) throws CaptureException {
        if (closed) {
            throw new CaptureException(Reason.STATE, name + ": the capture file is closed");
        }
        if (failure != null) {
            batch.clear();
            throw failure;
        }
        ByteBuffer out = batch.buffer();
        out.limit(out.capacity());
        int capacity = out.capacity();
        int used = 0;
        int count = 0;
        try {
            while (!ended) {
                if (!pending) {
                    if (!blocks.nextHeader()) {
                        ended = true;
                        break;
                    }
                    blocks.readBody();
                    if (!ScapBlocks.isEvent(blocks.type())) {
                        skippedBlocks++;
                        continue;
                    }
                    pending = true;
                    preparedLength = -1;
                }
                if (preparedLength < 0) {
                    preparedLength = prepare();
                }
                if (preparedLength == 0) {
                    skippedEvents++;
                    pending = false;
                    continue;
                }
                int need = 2 + preparedLength;
                if (used + need > capacity) {
                    if (count == 0) {
                        throw new ScapFormatException(
                                blocks.offset(),
                                "event of " + preparedLength + " bytes does not fit in a batch of " + capacity
                                        + " bytes");
                    }
                    break;
                }
                copy(out, used);
                used += need;
                count++;
                pending = false;
            }
        } catch (ScapFormatException e) {
            failure = formatError(name, compressed, e);
        } catch (IOException e) {
            failure = ioError(name, compressed, input.offset(), e);
        }
        batch.filled(count, used);
        eventsRead += count;
        if (failure != null && count == 0) {
            throw failure;
        }
        return count > 0 || !ended;
    }

    /**
     * Checks the pending block's event and works out its re-encoded length.
     *
     * @return the event's length with a 26-byte header, or 0 to skip it
     */
    private int prepare() {
        int type = blocks.type();
        ByteBuffer b = blocks.body();
        int bodyLen = blocks.bodyLength();
        int lead = ScapBlocks.hasEventFlags(type) ? 6 : 2;
        evOld = ScapBlocks.hasOldEventHeader(type);
        int hdr = evOld ? OLD_HEADER_LEN : HEADER_LEN;
        if (bodyLen < lead + hdr) {
            throw new ScapFormatException(
                    blocks.offset(),
                    "event block too short (" + bodyLen + " body bytes, an event needs at least " + (lead + hdr) + ")");
        }
        evCpu = b.getShort(0) & 0xffff;
        int off = lead;
        evOffset = off;
        long at = blocks.bodyOffset() + off;
        int avail = bodyLen - off;
        long len = b.getInt(off + 16) & 0xffffffffL;
        int code = b.getShort(off + 20) & 0xffff;
        if (len < hdr || len > avail) {
            throw new ScapFormatException(
                    at,
                    "event length " + len + " (type " + code + ") does not fit its block (" + hdr + " to " + avail
                            + " bytes)");
        }
        if (!evOld) {
            long np = b.getInt(off + 22) & 0xffffffffL;
            if (np > MAX_PARAMS || HEADER_LEN + 2 * np > len) {
                throw new ScapFormatException(
                        at,
                        "event of type " + code + " claims " + np + " parameters, more than its length " + len
                                + " can hold");
            }
            long sum = HEADER_LEN + 2 * np;
            for (int i = 0; i < np; i++) {
                sum += b.getShort(off + HEADER_LEN + 2 * i) & 0xffff;
            }
            if (sum != len) {
                throw new ScapFormatException(
                        at, "event of type " + code + ": parameters take " + sum + " bytes but the header says " + len);
            }
            evNparams = (int) np;
            return (int) len;
        }
        EventType t = EventTypes.byCode(code);
        if (t == null) {
            return 0;
        }
        long end = len;
        // Old captures wrote these two event types with a length 3 bytes too long (libscap corrects it too).
        if (code == EventTables.EVENT_NOTIFICATION_E || code == EventTables.EVENT_INFRASTRUCTURE_EVENT_E) {
            end -= 3;
        }
        // libscap: start from the table's parameter count and go down until the lengths fill the event exactly
        for (int np = Math.min(t.nparams(), MAX_PARAMS); np >= 0; np--) {
            long p = OLD_HEADER_LEN + 2L * np;
            if (p > end) {
                continue;
            }
            for (int i = 0; i < np; i++) {
                p += b.getShort(off + OLD_HEADER_LEN + 2 * i) & 0xffff;
            }
            if (p < end) {
                break;
            }
            if (p == end) {
                evNparams = np;
                return (int) end + 4;
            }
        }
        throw new ScapFormatException(
                at,
                "old-format event of type " + code + " (" + t.name()
                        + "): parameter lengths do not add up to its length " + len);
    }

    /** Writes the prepared event as a batch record at {@code pos}. */
    private void copy(ByteBuffer out, int pos) {
        byte[] src = blocks.bodyArray();
        out.putShort(pos, (short) evCpu);
        int dst = pos + 2;
        if (!evOld) {
            out.put(dst, src, evOffset, preparedLength);
            return;
        }
        out.put(dst, src, evOffset, 16);
        out.putInt(dst + 16, preparedLength);
        out.put(dst + 20, src, evOffset + 20, 2);
        out.putInt(dst + 22, evNparams);
        out.put(dst + HEADER_LEN, src, evOffset + OLD_HEADER_LEN, preparedLength - HEADER_LEN);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            input.close();
        }
    }

    @Override
    public String toString() {
        return "ScapFileSource[" + name + (compressed ? ", gzip" : "") + ", " + eventsRead + " events read]";
    }
}
