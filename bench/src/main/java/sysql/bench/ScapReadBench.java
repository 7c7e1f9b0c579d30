package sysql.bench;

import com.sun.management.ThreadMXBean;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
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
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;

/**
 * Read benchmark (issue 3): a {@code .scap} file through sysql's whole read path — {@link ScapFileSource} (block
 * reader, event checks), the {@link StateTracker} (threads, fds, seeded from the file's initial state as a live
 * capture is from /proc) and the field catalog's extractors for a list of fields, every field of every event.
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
    enum Stage { READ, DECODE, STATE, FIELDS }

    /** What a run measured. */
    record Result(long events, double seconds, long checksum, long heapUsedMax, long heapLiveEnd,
            long heapCommittedMax, long rssPeak, long gcCount, long gcMillis, long allocatedBytes) {
        @Override
        public String toString() {
            double mib = 1 << 20;
            return String.format("events=%d seconds=%.3f events_per_sec=%.0f checksum=%016x heap_used_max_mib=%.1f "
                    + "heap_live_end_mib=%.1f heap_committed_max_mib=%.1f rss_peak_mib=%.1f gc_count=%d gc_ms=%d "
                    + "alloc_bytes_per_event=%.2f", events, seconds, events / seconds, checksum, heapUsedMax / mib,
                    heapLiveEnd / mib, heapCommittedMax / mib, rssPeak / mib, gcCount, gcMillis,
                    events > 0 ? (double) allocatedBytes / events : 0.0);
        }
    }

    static Result run(Path file, Field[] fields, OutputStream printTo, Stage stage)
            throws CaptureException, IOException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threadBean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        LineWriter line = printTo != null ? new LineWriter(printTo) : null;
        int n = fields.length;
        boolean[] numeric = new boolean[n];
        for (int i = 0; i < n; i++) {
            numeric[i] = fields[i].isNumeric();
        }
        long heapUsedMax = 0;
        long heapCommittedMax = 0;
        long checksum = 0;
        long events = 0;
        long allocStart = threadBean.getThreadAllocatedBytes(self);
        long start = System.nanoTime();
        try (ScapFileSource src = ScapFileSource.open(file); EventBatch batch = new EventBatch()) {
            ThreadTable threads = new ThreadTable(null);
            Users users = new Users();
            CaptureFileState.seed(src.initialState(), threads, users);
            EventContext ctx = new EventContext(new StateTracker(threads), users);
            Event e = new Event();
            while (src.fill(batch, 0)) {
                if (stage == Stage.READ) {
                    checksum += batch.bytes();
                }
                while (stage != Stage.READ && batch.next(e)) {
                    if (stage == Stage.DECODE) {
                        checksum = checksum * 31 + e.typeCode();
                        continue;
                    }
                    ctx.advance(e);
                    if (stage == Stage.STATE) {
                        checksum = checksum * 31 + ctx.fdNum();
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
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
                }
                events += batch.count();
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
            long gcCount = 0;
            long gcMillis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                gcCount += Math.max(0, gc.getCollectionCount());
                gcMillis += Math.max(0, gc.getCollectionTime());
            }
            // what the reader keeps (thread and fd tables, buffers), with the state still reachable
            System.gc();
            long live = memory.getHeapMemoryUsage().getUsed();
            if (threads.size() < 0) {
                throw new AssertionError(); // keeps the tables reachable until here
            }
            return new Result(events, seconds, checksum, heapUsedMax, live, heapCommittedMax, rssPeak(), gcCount,
                    gcMillis, allocated);
        }
    }

    /** Peak resident set size of this process (VmHWM), in bytes; -1 if unknown. */
    static long rssPeak() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return -1;
    }

    /** Renders values the way {@code sysdig -p} prints them into a reused buffer; writes it out when full. */
    static final class LineWriter {
        private final OutputStream out;
        private final byte[] buf = new byte[1 << 16];
        private int pos;

        LineWriter(OutputStream out) {
            this.out = out;
        }

        private void room(int n) throws IOException {
            if (pos + n > buf.length) {
                flush();
            }
        }

        void value(int index, boolean present, long v) throws IOException {
            room(21);
            if (index > 0) {
                buf[pos++] = ' ';
            }
            if (!present) {
                System.arraycopy(NA, 0, buf, pos, NA.length);
                pos += NA.length;
                return;
            }
            if (v < 0) {
                if (v == Long.MIN_VALUE) {
                    byte[] m = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(m, 0, buf, pos, m.length);
                    pos += m.length;
                    return;
                }
                buf[pos++] = '-';
                v = -v;
            }
            int digits = 1;
            for (long t = v; t >= 10; t /= 10) {
                digits++;
            }
            for (int k = pos + digits - 1; k >= pos; k--) {
                buf[k] = (byte) ('0' + v % 10);
                v /= 10;
            }
            pos += digits;
        }

        void value(int index, String s) throws IOException {
            if (index > 0) {
                room(1);
                buf[pos++] = ' ';
            }
            if (s == null) {
                room(NA.length);
                System.arraycopy(NA, 0, buf, pos, NA.length);
                pos += NA.length;
                return;
            }
            int len = s.length();
            for (int k = 0; k < len; k++) {
                room(4);
                char c = s.charAt(k);
                if (c < 0x80) {
                    buf[pos++] = (byte) c;
                } else if (c < 0x800) {
                    buf[pos++] = (byte) (0xc0 | c >> 6);
                    buf[pos++] = (byte) (0x80 | c & 0x3f);
                } else if (Character.isHighSurrogate(c) && k + 1 < len && Character.isLowSurrogate(s.charAt(k + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++k));
                    buf[pos++] = (byte) (0xf0 | cp >> 18);
                    buf[pos++] = (byte) (0x80 | cp >> 12 & 0x3f);
                    buf[pos++] = (byte) (0x80 | cp >> 6 & 0x3f);
                    buf[pos++] = (byte) (0x80 | cp & 0x3f);
                } else {
                    buf[pos++] = (byte) (0xe0 | c >> 12);
                    buf[pos++] = (byte) (0x80 | c >> 6 & 0x3f);
                    buf[pos++] = (byte) (0x80 | c & 0x3f);
                }
            }
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
