// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.capture.CaptureException;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.scap.ScapFileSource;
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;

/**
 * Differential test of every evt field against the installed sysdig 0.29.3: sysdig prints each field for every
 * event of every readable test capture, internal ones included ({@code sysdig -D -r FILE -p
 * '*%evt.num|%field|...'}, TZ=UTC), sysql
 * extracts the same fields from the same file, and the two are compared event by event (by evt.num). Numbers
 * are compared as numbers (sysdig zero-pads some, e.g. evt.reltime); text exactly. The agreement per field is
 * printed; each field must stay at or above its pinned rate.
 */
class SysdigEvtFieldsTest {
    /** The fields compared, each with the agreement (%) it must keep. */
    static final Map<String, Double> FIELDS = new LinkedHashMap<>();

    static {
        for (String f : new String[] {
            "evt.num",
            "evt.time",
            "evt.time.s",
            "evt.time.iso8601",
            "evt.datetime",
            "evt.datetime.s",
            "evt.rawtime",
            "evt.rawtime.s",
            "evt.rawtime.ns",
            "evt.reltime",
            "evt.reltime.s",
            "evt.reltime.ns",
            "evt.latency",
            "evt.latency.s",
            "evt.latency.ns",
            "evt.latency.human",
            "evt.deltatime",
            "evt.deltatime.s",
            "evt.deltatime.ns",
            "evt.dir",
            "evt.type",
            "syscall.type",
            "evt.category",
            "evt.cpu",
            "evt.args",
            "evt.info",
            "evt.buffer",
            "evt.buflen",
            "evt.res",
            "evt.rawres",
            "evt.failed",
            "evt.is_io",
            "evt.is_io_read",
            "evt.is_io_write",
            "evt.io_dir",
            "evt.is_wait",
            "evt.wait_latency",
            "evt.is_syslog",
            "evt.count",
            "evt.count.error",
            "evt.count.error.file",
            "evt.count.error.net",
            "evt.count.error.memory",
            "evt.count.error.other",
            "evt.count.exit",
            "evt.abspath",
            "evt.abspath.src",
            "evt.abspath.dst",
            "evt.is_open_read",
            "evt.is_open_write",
            "evt.is_open_exec",
            "evt.arg[0]",
            "evt.arg[1]",
            "evt.arg[2]",
            "evt.arg[5]",
            "evt.arg.fd",
            "evt.arg.res",
            "evt.arg.name",
            "evt.arg.flags",
            "evt.arg.data",
            "evt.arg.tuple",
            "evt.arg.size",
            "evt.arg.mode",
            "evt.arg.next",
            "evt.rawarg.res",
            "evt.rawarg.name",
            "evt.rawarg.data",
            "evt.rawarg.args"
        }) {
            FIELDS.put(f, 100.0);
        }
        // One procinfo of the storm capture has a time before the previous event's: its delta is negative. sysql
        // splits the signed delta (0 s, -25990271 ns); sysdig splits the same 64 bits read unsigned (18446744073 s,
        // 683561345 ns). evt.deltatime itself agrees (compared as the same 64 bits, see same()).
        FIELDS.put("evt.deltatime.s", 99.998);
        FIELDS.put("evt.deltatime.ns", 99.998);
    }

    /** How much of the big storm capture (uncompressed bytes from its start) takes part. */
    static final int STORM_PREFIX = 4 << 20;

    private static TimeZone savedZone;

    @BeforeAll
    static void utc() {
        savedZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    }

    @AfterAll
    static void restoreZone() {
        TimeZone.setDefault(savedZone);
    }

    static String sysdig() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "sysdig");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        fail("sysdig is not on PATH: this differential test needs sysdig 0.29.3 "
                + "(scripts/install-deps.sh installs it: apt-get install -y --no-install-recommends sysdig)");
        return null;
    }

    @TempDir
    Path tmp;

    @Test
    void everyEvtFieldAgreesWithSysdig() throws Exception {
        String sysdig = sysdig();
        Path dir = GoldenFieldsTest.shared().resolve("scap");
        List<Path> files = new ArrayList<>();
        try (var list = Files.list(dir)) {
            for (Path p : list.sorted().toList()) {
                if (p.getFileName().toString().endsWith(".scap")) {
                    files.add(p);
                } else if (p.getFileName().toString().endsWith(".scap.gz")) {
                    files.add(prefixOf(p, tmp.resolve(p.getFileName().toString().replace(".scap.gz", "-head.scap"))));
                }
            }
        }
        List<String> names = new ArrayList<>(FIELDS.keySet());
        Field[] fields = new Field[names.size()];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = FieldCatalog.get(names.get(i));
            assertNotNull(fields[i], "no field " + names.get(i));
        }
        long[][] counts = new long[names.size()][2];
        Map<String, List<String>> examples = new HashMap<>();
        int compared = 0;
        for (Path f : files) {
            Map<Long, String[]> expected = runSysdig(sysdig, f, names);
            if (expected == null) {
                System.out.println("sysdig cannot read " + f.getFileName() + ": skipped");
                continue;
            }
            compared++;
            compare(f, expected, names, fields, counts, examples);
        }
        assertTrue(compared >= 8, "too few captures compared: " + compared);
        StringBuilder report = new StringBuilder("evt fields: agreement with sysdig 0.29.3\n");
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            long[] c = counts[i];
            double pct = c[1] == 0 ? 100 : 100.0 * c[0] / c[1];
            List<String> ex = examples.getOrDefault(names.get(i), List.of());
            report.append(String.format(
                    "  %-22s %7.3f%% (%d/%d)%s%n",
                    names.get(i), pct, c[0], c[1], ex.isEmpty() ? "" : "  e.g. " + String.join("\n        ", ex)));
            if (pct < FIELDS.get(names.get(i))) {
                failed.add(names.get(i) + String.format(" %.3f%% < %.3f%%", pct, FIELDS.get(names.get(i))));
            }
            if (c[1] == 0) {
                failed.add(names.get(i) + " never compared");
            }
        }
        System.out.println(report);
        assertTrue(failed.isEmpty(), "evt fields below their agreement with sysdig: " + failed + "\n" + report);
    }

    /** The buffer fields of {@link #fullBuffersAsSysdigPrintsThem}. */
    static final List<String> BUFFER_FIELDS = List.of(
            "evt.buffer", "evt.arg.data", "evt.arg[1]", "evt.args", "evt.info", "evt.rawarg.data", "evt.buflen");

    /**
     * Buffers longer than 80 bytes (a file written with a large snaplen, {@link PayloadCapture}): with the default
     * print length (80) every buffer field is what {@code sysdig -r F -p} prints (text cut to 80 characters ending
     * in "...", raw bytes whole); with a print length of 65536, what {@code sysdig -v} (or a chisel: no print
     * length) prints, every byte of the buffer; with 2000, the text is the first 1997 characters of that and "...".
     * sysdig's {@code -s} does not change what it prints from a file (it sets the live capture's snaplen only).
     */
    @Test
    void fullBuffersAsSysdigPrintsThem() throws Exception {
        String sysdig = sysdig();
        Path file = sysql.capture.scap.PayloadCapture.write(tmp);
        Field[] fields = BUFFER_FIELDS.stream().map(FieldCatalog::get).toArray(Field[]::new);
        Map<Long, String[]> plain = runSysdig(sysdig, file, BUFFER_FIELDS);
        Map<Long, String[]> verbose = runSysdig(sysdig, file, BUFFER_FIELDS, "-v");
        Map<Long, String[]> snaplen2000 = runSysdig(sysdig, file, BUFFER_FIELDS, "-s", "2000");
        assertTrue(plain.size() == 14 && verbose.size() == 14, "sysdig printed " + plain.size() + " events");
        for (long n = 1; n <= 14; n++) {
            assertEquals(List.of(plain.get(n)), List.of(snaplen2000.get(n)), "sysdig -s changed the print, #" + n);
        }
        String longest = verbose.get(2L)[2]; // evt.arg.data of the 5000-byte write
        assertEquals(5000, longest.length(), "sysdig -v prints the whole buffer");
        assertEquals(80, plain.get(2L)[2].length());
        StringBuilder report = new StringBuilder("buffer fields against sysdig on " + file.getFileName() + "\n");
        List<String> failed = new ArrayList<>();
        for (Object[] run : new Object[][] {{plain, 80, "sysdig -p"}, {verbose, 65536, "sysdig -v"}}) {
            @SuppressWarnings("unchecked")
            Map<Long, String[]> want = (Map<Long, String[]>) run[0];
            long[][] counts = new long[fields.length][2];
            Map<String, List<String>> examples = new HashMap<>();
            compare(file, want, BUFFER_FIELDS, fields, counts, examples, (Integer) run[1]);
            for (int i = 0; i < fields.length; i++) {
                report.append(String.format(
                        "  print length %5d = %s: %-16s %d/%d%n",
                        (Integer) run[1], run[2], BUFFER_FIELDS.get(i), counts[i][0], counts[i][1]));
                if (counts[i][0] != counts[i][1] || counts[i][1] != 14) {
                    failed.add(run[2] + " " + BUFFER_FIELDS.get(i) + " "
                            + examples.getOrDefault(BUFFER_FIELDS.get(i), List.of()));
                }
            }
        }
        System.out.println(report);
        assertTrue(failed.isEmpty(), "buffer fields differ from sysdig: " + failed);

        // Print length 2000: sysdig's cut, at 2000 characters.
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch()) {
            EventContext ctx = EventContext.forCaptureFile(src.initialState()).bufferPrintLength(2000);
            Event e = new Event();
            Field data = FieldCatalog.get("evt.arg.data");
            Field raw = FieldCatalog.get("evt.rawarg.data");
            int seen = 0;
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    ctx.advance(e);
                    String full = verbose.get(ctx.num())[2];
                    String text = data.format(ctx);
                    String expected = full.length() > 2000 ? full.substring(0, 1997) + "..." : full;
                    assertEquals(expected, text, "evt.arg.data of #" + ctx.num() + " at print length 2000");
                    if (!e.isEnter()) {
                        byte[] bytes = raw.getBytes(ctx);
                        assertEquals(e.paramLength(1), bytes.length, "evt.rawarg.data has every byte");
                        if (ctx.num() == 2) {
                            assertArrayEquals(sysql.capture.scap.PayloadCapture.text5000(), bytes);
                        } else if (ctx.num() == 14) {
                            assertArrayEquals(sysql.capture.scap.PayloadCapture.binary65000(), bytes);
                        }
                    }
                    seen++;
                }
            }
            assertEquals(14, seen);
        }
    }

    /** The first {@link #STORM_PREFIX} bytes of a gzip capture, as a (truncated) capture file. */
    private static Path prefixOf(Path gz, Path out) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz));
                OutputStream o = Files.newOutputStream(out)) {
            byte[] buf = new byte[1 << 16];
            int left = STORM_PREFIX;
            int n;
            while (left > 0 && (n = in.read(buf, 0, Math.min(buf.length, left))) > 0) {
                o.write(buf, 0, n);
                left -= n;
            }
        }
        return out;
    }

    /** sysdig's values by evt.num, or null when sysdig cannot open the file. */
    @SuppressWarnings("OrphanedFormatString") // a sysdig -p format (%field), not a printf one
    private Map<Long, String[]> runSysdig(String sysdig, Path file, List<String> names, String... options)
            throws Exception {
        StringBuilder fmt = new StringBuilder("*%evt.num");
        for (String n : names) {
            fmt.append('\u0001').append('%').append(n);
        }
        fmt.append('\u0002'); // ends a record: a raw value (evt.rawarg.data) may hold newlines anywhere
        // -D: internal events (procinfo...) too, which sysdig numbers but hides by default
        List<String> cmd = new ArrayList<>(List.of(sysdig, "-D", "-r", file.toString()));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-p", fmt.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("TZ", "UTC");
        Path err = tmp.resolve("sysdig.err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("sysdig did not finish on " + file);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        if (p.exitValue() != 0 && text.isEmpty()) {
            String msg = Files.readString(err);
            if (msg.contains("Could not initialize reader")) {
                return null;
            }
            fail("sysdig failed on " + file + ": " + msg);
        }
        Map<Long, String[]> rows = new HashMap<>();
        for (String record : text.split("\u0002\n", -1)) {
            String[] cols = record.split("\u0001", -1);
            if (cols.length == names.size() + 1 && cols[0].matches("\\d+")) {
                rows.put(Long.parseLong(cols[0]), cols);
            }
        }
        return rows;
    }

    private static void compare(
            Path scap,
            Map<Long, String[]> expected,
            List<String> names,
            Field[] fields,
            long[][] counts,
            Map<String, List<String>> examples)
            throws Exception {
        compare(scap, expected, names, fields, counts, examples, EventContext.DEFAULT_BUFFER_PRINT_LENGTH);
    }

    private static void compare(
            Path scap,
            Map<Long, String[]> expected,
            List<String> names,
            Field[] fields,
            long[][] counts,
            Map<String, List<String>> examples,
            int bufferPrintLength)
            throws Exception {
        long last = expected.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        long seen = 0;
        try (ScapFileSource src = ScapFileSource.open(scap);
                EventBatch batch = new EventBatch()) {
            ThreadTable threads = new ThreadTable(null);
            Users users = new Users();
            CaptureFileState.seed(src.initialState(), threads, users);
            EventContext ctx = new EventContext(new StateTracker(threads), users).bufferPrintLength(bufferPrintLength);
            Event e = new Event();
            String[] got = new String[fields.length];
            try {
                while (ctx.num() < last && src.fill(batch, 0)) {
                    while (batch.next(e)) {
                        ctx.advance(e);
                        if (!ctx.isRow()) {
                            continue; // metadata: no row (and, for types sysdig does not know, no number)
                        }
                        // Every field on every event, as a query over the whole stream would.
                        for (int i = 0; i < fields.length; i++) {
                            got[i] = fields[i].format(ctx);
                        }
                        String[] want = expected.get(ctx.num());
                        if (want == null) {
                            continue;
                        }
                        seen++;
                        for (int i = 0; i < fields.length; i++) {
                            counts[i][1]++;
                            if (same(fields[i], want[i + 1], got[i])) {
                                counts[i][0]++;
                            } else {
                                List<String> ex = examples.computeIfAbsent(names.get(i), k -> new ArrayList<>());
                                if (ex.size() < Integer.getInteger("evt.examples", 3)) {
                                    ex.add(scap.getFileName() + "#" + ctx.num() + " " + e.typeName() + " sysdig=["
                                            + want[i + 1] + "] sysql=[" + got[i] + "]");
                                }
                            }
                        }
                    }
                }
            } catch (CaptureException truncated) {
                // The storm prefix ends mid-block: the events before the cut are compared.
            }
        }
        // sysdig's events sysql never produced count against every field.
        long missing = expected.size() - seen;
        for (long[] c : counts) {
            c[1] += missing;
        }
    }

    static boolean same(Field f, String sysdig, String sysql) {
        if (sysdig.equals(sysql)) {
            return true;
        }
        if (f.isNumeric() && f.type() != FieldType.BOOLEAN && !sysdig.equals("<NA>") && !sysql.equals("<NA>")) {
            try {
                // sysdig pads some numbers with zeros, and prints some 64-bit values unsigned (a negative delta)
                return sysql.startsWith("-") && !sysdig.startsWith("-")
                        ? sysdig.equals(Long.toUnsignedString(Long.parseLong(sysql)))
                        : Long.parseLong(sysdig) == Long.parseLong(sysql);
            } catch (NumberFormatException ex) {
                return false;
            }
        }
        return false;
    }
}
