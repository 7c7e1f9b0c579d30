// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.capture.LiveCapture;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldCatalog;
import sysql.testing.Await;
import sysql.testing.RequiresBpf;
import sysql.testing.Sysdig;

/**
 * Real drops, in the record: the capture thread stalls (a consumer too slow) while a storm overflows 64 KiB rings;
 * the history then holds {@code sysql.drops} notices whose counts add up to the driver's drop counters, a scan of
 * it warns that its window lost events (one of a window before the storm does not), and a dump holds the notices
 * for sysdig.
 */
@RequiresBpf
class CaptureHubDropsIT {
    static final Path STORM = Path.of("../driver-kmod/target/native/sysql-storm");

    @TempDir
    Path dir;

    static final List<String> FIELDS = List.of("evt.rawtime", "evt.cpu", "evt.type", "evt.arg.id", "evt.arg.desc");

    @Test
    void dropsBecomeNoticesInTheHistoryItsScansAndItsDumps() throws Exception {
        assertTrue(Files.isExecutable(STORM), "missing " + STORM.toAbsolutePath() + ": build driver-kmod first");
        List<Field> fields = FIELDS.stream().map(FieldCatalog::get).toList();
        Field type = FieldCatalog.get("evt.type");
        ScanRequest notices =
                new ScanRequest(fields, c -> "notification".equals(type.format(c)), KernelFilter.ALL, 1024);
        CaptureHub.Options options = new CaptureHub.Options(
                LiveCapture.Options.defaults().withRingBytes(64 << 10),
                new Recorder.Retention(120_000_000_000L, 64L << 20));
        try (CaptureHub hub = CaptureHub.start(options)) {
            Thread.sleep(2_500); // a window of history before the storm (the notices look back to the last look)
            // the host's own events can overflow a 64 KiB ring before the storm too (a busy CI machine, this JVM's
            // earlier tests): the window before the storm starts after two seconds without a new drop
            long quietFrom = quietSince(hub);
            long before = System.currentTimeMillis() * 1_000_000L;
            hub.stallForTest(3_000);
            Process storm = new ProcessBuilder(STORM.toAbsolutePath().toString(), "getppid", "400000")
                    .redirectErrorStream(true)
                    .start();
            assertTrue(storm.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, storm.exitValue());
            Await.until(
                    () -> hub.stats().driver().drops() > 0
                            && lost(hub, notices) == hub.stats().driver().drops(),
                    Duration.ofSeconds(30),
                    () -> "the notices do not add up to the driver's drops: " + describe(hub, notices));
            long drops = hub.stats().driver().drops();

            BatchCursor all = hub.history(notices);
            List<List<String>> rows = RecorderDiskTest.rows(all, fields);
            assertTrue(!rows.isEmpty(), "no notice in the history");
            for (List<String> r : rows) {
                assertEquals("sysql.drops", r.get(3), r.toString());
                assertTrue(
                        r.get(4).matches("lost=\\d+ cpu=" + r.get(1) + " full=\\d+ invalid=\\d+ since=\\d+ until=\\d+"),
                        r.toString());
            }
            String warning = all.warning();
            assertNotNull(warning, "a scan over the drops gave no warning");
            assertTrue(warning.startsWith("this query's window lost " + drops + " events ("), warning);

            // a window inside the stall, wherever the notice itself lies
            BatchCursor during = hub.history(notices.withTimeRange(before + 1_000_000_000L, before + 2_000_000_000L));
            RecorderDiskTest.rows(during, fields);
            assertNotNull(during.warning(), "a window inside the lost span gave no warning");

            BatchCursor earlier = hub.history(notices.withTimeRange(quietFrom + 1_000_000_000L, before - 100_000_000L));
            RecorderDiskTest.rows(earlier, fields);
            assertNull(earlier.warning(), "a window before the storm lost nothing");

            Path dump = dir.resolve("drops.scap");
            long written = hub.dumpHistory(
                    before - 60_000_000_000L, System.currentTimeMillis() * 1_000_000L + 60_000_000_000L, dump, false);
            assertTrue(written > 0);
            Sysdig.Result r = Sysdig.run(dump, List.of("-p", "%evt.arg.id %evt.arg.desc", "evt.type=notification"));
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals(rows.size(), r.lines().size(), "sysdig's notices: " + r.lines());
            for (String l : r.lines()) {
                assertTrue(l.startsWith("sysql.drops lost="), l);
            }
        }
    }

    /** The wall-clock time (ns) from which the driver counted no new drop for two seconds (waits for it). */
    private static long quietSince(CaptureHub hub) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            long from = System.currentTimeMillis() * 1_000_000L;
            long drops = hub.stats().driver().drops();
            Thread.sleep(2_000);
            if (hub.stats().driver().drops() == drops) {
                return from;
            }
        }
        throw new AssertionError("the host dropped events for a minute before the storm: "
                + hub.stats().driver());
    }

    private static String describe(CaptureHub hub, ScanRequest notices) {
        try {
            return hub.stats().driver() + " / " + lost(hub, notices);
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Events the history's notices say were lost. */
    private static long lost(CaptureHub hub, ScanRequest notices) throws Exception {
        long n = 0;
        for (List<String> r : RecorderDiskTest.rows(hub.history(notices), notices.fields())) {
            n += Long.parseLong(r.get(4).substring(5, r.get(4).indexOf(' ')));
        }
        return n;
    }
}
