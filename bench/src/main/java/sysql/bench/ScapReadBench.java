// SPDX-License-Identifier: Apache-2.0
package sysql.bench;

import com.sun.management.ThreadMXBean;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import sysql.capture.CaptureException;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldCatalog;
import sysql.capture.scap.ScapFileSource;

/**
 * Read benchmark: a {@code .scap} file through sysql's whole read path — {@link ScapFileSource} (block
 * reader, event checks), the state tracker (threads and fds, seeded from the file's initial state as a live capture
 * is from /proc: {@link EventContext#forCaptureFile}) and the field catalog's extractors for a list of fields, every
 * field of every event.
 *
 * <p>Two sinks: by default every value is folded into a checksum (numbers as they are, text by its hash), which the
 * JIT cannot drop because it is printed at the end; with {@code --print} every event is also rendered as the line
 * {@code sysdig -p '*%f1 %f2 ...'} prints (values separated by a space, {@code <NA>} for a missing one) into a
 * reused byte buffer written to {@code /dev/null} (or {@code --out FILE}), which is what sysdig's side of the
 * comparison does. Neither sink allocates per event.
 *
 * <p>Prints one line: {@code events= seconds= events_per_sec= checksum= heap_used_max_mib= heap_live_end_mib=
 * heap_committed_max_mib= rss_peak_mib= gc_count= gc_ms= alloc_bytes_per_event=}. Seconds count from opening the
 * file to the last event (JVM start-up excluded; the script times the whole process as well).
 */
public final class ScapReadBench {
    /** The fields of the benchmark, unless {@code --fields} says otherwise. */
    public static final String DEFAULT_FIELDS =
            "evt.num,evt.rawtime,evt.type,evt.dir,proc.name,proc.pid,thread.tid,fd.num,fd.name,evt.res";
    /** {@code -Dsysql.bench.progress=true}: the rate of every million events on stderr (to see the JIT warm up). */
    private static final boolean PROGRESS = Boolean.getBoolean("sysql.bench.progress");

    private static final byte[] NA = "<NA>".getBytes(StandardCharsets.US_ASCII);

    private ScapReadBench() {}

    public static void main(String[] args) throws Exception {
        String fieldList = DEFAULT_FIELDS;
        boolean print = false;
        String out = "/dev/null";
        Stage stage = Stage.FIELDS;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fields" -> fieldList = args[++i];
                case "--print" -> print = true;
                case "--out" -> out = args[++i];
                case "--stage" -> stage = Stage.valueOf(args[++i].toUpperCase(java.util.Locale.ROOT));
                default -> {
                    if (args[i].startsWith("-") || file != null) {
                        usage("unknown argument " + args[i]);
                    }
                    file = Path.of(args[i]);
                }
            }
        }
        if (file == null) {
            usage("give the .scap file to read");
        }
        if (!Files.isReadable(file)) {
            usage(file + " is not a readable file");
        }
        List<Field> fields = new ArrayList<>();
        for (String name : fieldList.split(",")) {
            Field f = FieldCatalog.get(name.strip());
            if (f == null) {
                usage("field " + name + " is not in sysql's catalog");
            }
            fields.add(f);
        }
        try (OutputStream sink = print ? new FileOutputStream(out) : null) {
            Result r = run(file, fields.toArray(new Field[0]), sink, stage);
            System.out.println(r);
        } catch (CaptureException e) {
            System.err.println("scap-read-bench: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void usage(String problem) {
        System.err.println("scap-read-bench: " + problem
                + "; usage: ScapReadBench [--fields f1,f2,...] [--print [--out FILE]] [--stage read|decode|state|fields] "
                + "FILE.scap");
        System.exit(2);
    }

    /**
     * How far down the read path each event goes, to see what each layer costs: {@code read} the file's blocks into
     * batches, {@code decode} also each event's flyweight view, {@code state} also the state tracker, {@code fields}
     * (the benchmark) also every field.
     */
    enum Stage {
        READ,
        DECODE,
        STATE,
        FIELDS
    }

    /** What a run measured. */
    record Result(
            long events,
            double seconds,
            long checksum,
            long heapUsedMax,
            long heapLiveEnd,
            long heapCommittedMax,
            long rssPeak,
            long gcCount,
            long gcMillis,
            long allocatedBytes) {
        @Override
        public String toString() {
            double mib = 1 << 20;
            return String.format(
                    "events=%d seconds=%.3f events_per_sec=%.0f checksum=%016x heap_used_max_mib=%.1f "
                            + "heap_live_end_mib=%.1f heap_committed_max_mib=%.1f rss_peak_mib=%.1f gc_count=%d gc_ms=%d "
                            + "alloc_bytes_per_event=%.2f",
                    events,
                    seconds,
                    events / seconds,
                    checksum,
                    heapUsedMax / mib,
                    heapLiveEnd / mib,
                    heapCommittedMax / mib,
                    rssPeak / mib,
                    gcCount,
                    gcMillis,
                    events > 0 ? (double) allocatedBytes / events : 0.0);
        }
    }

    static Result run(Path file, Field[] fields, OutputStream printTo, Stage stage)
            throws CaptureException, IOException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threadBean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        LineWriter line = printTo != null ? new LineWriter(printTo) : null;
        long heapUsedMax = 0;
        long heapCommittedMax = 0;
        long checksum = 0;
        long events = 0;
        long allocStart = threadBean.getThreadAllocatedBytes(self);
        long start = System.nanoTime();
        long nextReport = 1_000_000;
        long reportedEvents = 0;
        long reportedAt = start;
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch()) {
            EventContext ctx = EventContext.forCaptureFile(src.initialState());
            Event e = new Event();
            Sink sink = new Sink(fields, line);
            while (src.fill(batch, 0)) {
                checksum = switch (stage) {
                    case READ -> checksum + batch.bytes();
                    case DECODE -> decode(batch, e, checksum);
                    case STATE -> state(batch, e, ctx, checksum);
                    case FIELDS -> sink.batch(batch, e, ctx, checksum);
                };
                events += batch.count();
                if (PROGRESS && events >= nextReport) {
                    long now = System.nanoTime();
                    System.err.printf(
                            "%.2f s: %d events, %.0f events/s over the last %d%n",
                            (now - start) / 1e9,
                            events,
                            (events - reportedEvents) / ((now - reportedAt) / 1e9),
                            events - reportedEvents);
                    reportedEvents = events;
                    reportedAt = now;
                    nextReport = events + 1_000_000;
                }
                // once a batch (thousands of events): the heap as it is, garbage included
                var heap = memory.getHeapMemoryUsage();
                heapUsedMax = Math.max(heapUsedMax, heap.getUsed());
                heapCommittedMax = Math.max(heapCommittedMax, heap.getCommitted());
            }
            if (line != null) {
                line.flush();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long allocated = threadBean.getThreadAllocatedBytes(self) - allocStart;
            JvmMemory.Gc gc = JvmMemory.Gc.sinceStart();
            // what the reader keeps (thread and fd tables, buffers), with the state still reachable
            System.gc();
            long live = memory.getHeapMemoryUsage().getUsed();
            if (ctx.tracker().threads().size() < 0) {
                throw new AssertionError(); // keeps the tables reachable until here
            }
            return new Result(
                    events,
                    seconds,
                    checksum,
                    heapUsedMax,
                    live,
                    heapCommittedMax,
                    JvmMemory.procStatus("VmHWM:"),
                    gc.count(),
                    gc.millis(),
                    allocated);
        }
    }

    private static long decode(EventBatch batch, Event e, long checksum) {
        while (batch.next(e)) {
            checksum = checksum * 31 + e.typeCode();
        }
        return checksum;
    }

    private static long state(EventBatch batch, Event e, EventContext ctx, long checksum) {
        while (batch.next(e)) {
            ctx.advance(e);
            checksum = checksum * 31 + (ctx.thread() == null ? -1 : ctx.thread().lastEventFd());
        }
        return checksum;
    }

    /**
     * Where the fields' values go: folded into a checksum, and rendered as text when printing. Per-event work sits
     * in small methods of its own, compiled on their own early rather than inside one huge loop.
     */
    static final class Sink {
        private final Field[] fields;
        private final boolean[] numeric;
        private final LineWriter line;

        Sink(Field[] fields, LineWriter line) {
            this.fields = fields;
            this.line = line;
            this.numeric = new boolean[fields.length];
            for (int i = 0; i < fields.length; i++) {
                numeric[i] = fields[i].isNumeric();
            }
        }

        long batch(EventBatch batch, Event e, EventContext ctx, long checksum) throws IOException {
            while (batch.next(e)) {
                ctx.advance(e);
                checksum = event(ctx, checksum);
            }
            return checksum;
        }

        private long event(EventContext ctx, long checksum) throws IOException {
            for (int i = 0; i < fields.length; i++) {
                Field f = fields[i];
                if (numeric[i]) {
                    boolean present = !f.isNull(ctx);
                    long v = present ? f.getLong(ctx) : 0;
                    checksum = checksum * 31 + (present ? v : 7);
                    if (line != null) {
                        line.value(i, present, v);
                    }
                } else {
                    String s = f.getString(ctx);
                    checksum = checksum * 31 + (s != null ? s.hashCode() : 7);
                    if (line != null) {
                        line.value(i, s);
                    }
                }
            }
            if (line != null) {
                line.endLine();
            }
            return checksum;
        }
    }

    /**
     * Renders values the way {@code sysdig -p} prints them into a reused buffer; writes it out when full. Text goes
     * through a small cache of UTF-8 encodings keyed by content (field values repeat: process names, event types,
     * file names), so that nothing is allocated unless a value is new.
     */
    static final class LineWriter {
        private static final int CACHE = 1024;
        private final OutputStream out;
        private final byte[] buf = new byte[1 << 16];
        private final String[] cachedText = new String[CACHE];
        private final byte[][] cachedBytes = new byte[CACHE][];
        private final byte[] digits = new byte[20];
        private int pos;

        LineWriter(OutputStream out) {
            this.out = out;
        }

        private void room(int n) throws IOException {
            if (pos + n > buf.length) {
                flush();
            }
        }

        private void separator(int index) {
            if (index > 0) {
                buf[pos++] = ' ';
            }
        }

        private void bytes(byte[] b) throws IOException {
            if (pos + b.length > buf.length) {
                flush();
                if (b.length > buf.length) {
                    out.write(b);
                    return;
                }
            }
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        void value(int index, boolean present, long v) throws IOException {
            room(22);
            separator(index);
            if (!present) {
                System.arraycopy(NA, 0, buf, pos, NA.length);
                pos += NA.length;
                return;
            }
            if (v < 0) {
                if (v == Long.MIN_VALUE) {
                    bytes(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                buf[pos++] = '-';
                v = -v;
            }
            int d = digits.length;
            do {
                digits[--d] = (byte) ('0' + v % 10);
                v /= 10;
            } while (v != 0);
            int len = digits.length - d;
            System.arraycopy(digits, d, buf, pos, len);
            pos += len;
        }

        @SuppressWarnings("ReferenceEquality") // identity first: the same String again skips equals and encoding
        void value(int index, String s) throws IOException {
            room(1);
            separator(index);
            if (s == null) {
                bytes(NA);
                return;
            }
            int slot = s.hashCode() & (CACHE - 1);
            String key = cachedText[slot];
            if (key != s) {
                if (key == null || !key.equals(s)) {
                    cachedBytes[slot] = s.getBytes(StandardCharsets.UTF_8);
                }
                cachedText[slot] = s;
            }
            bytes(cachedBytes[slot]);
        }

        void endLine() throws IOException {
            room(1);
            buf[pos++] = '\n';
        }

        void flush() throws IOException {
            out.write(buf, 0, pos);
            pos = 0;
        }
    }
}
