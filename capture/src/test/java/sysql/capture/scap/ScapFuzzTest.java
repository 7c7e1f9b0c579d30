// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import sysql.capture.CaptureException;
import sysql.capture.Event;
import sysql.capture.EventBatch;

/**
 * Thousands of damaged copies of real files (truncated, bit-flipped, damaged fields of block and event headers,
 * truncated gzip streams), all from fixed seeds: each must end in "events, then one CaptureException" or a clean
 * end, quickly (in CPU time of the reading thread, which another build on the machine does not stretch); any
 * other exception (IndexOutOfBounds, NegativeArraySize, OutOfMemoryError, a malformed event
 * reaching the decoder) fails the test.
 */
class ScapFuzzTest {
    private static final List<String> FILES =
            List.of("falco_syscall.scap", "falco_ping_sendto.scap", "libs_curl_google.scap");
    private static final long CASE_LIMIT_NANOS = 5_000_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final EventBatch batch = new EventBatch(EventBatch.MIN_CAPACITY);
    private final Event event = new Event();
    private int cases;
    private int failedCleanly;

    /** Outcome of one case. */
    private record Outcome(long events, CaptureException error) {}

    private Outcome run(String label, byte[] bytes) {
        long start = THREADS.getCurrentThreadCpuTime();
        long events = 0;
        CaptureException error = null;
        cases++;
        try (ScapFileSource src = ScapFileSource.open(label, new ByteArrayInputStream(bytes))) {
            while (src.fill(batch, 0)) {
                while (batch.next(event)) {
                    events++;
                    event.syscallName();
                }
                if (THREADS.getCurrentThreadCpuTime() - start > CASE_LIMIT_NANOS) {
                    fail(label + ": still reading after " + CASE_LIMIT_NANOS / 1_000_000 + " ms of CPU");
                }
            }
        } catch (CaptureException e) {
            error = e;
            failedCleanly++;
            String m = e.getMessage();
            assertTrue(
                    m.startsWith(label + ": ") && !m.contains("\n") && m.contains("offset"),
                    label + ": message should name the file and offset on one line: " + m);
        } catch (Throwable t) {
            throw new AssertionError(label + ": " + t + " escaped after " + events + " events", t);
        }
        long took = THREADS.getCurrentThreadCpuTime() - start;
        assertTrue(took < CASE_LIMIT_NANOS, label + " took " + took / 1_000_000 + " ms of CPU");
        return new Outcome(events, error);
    }

    @Test
    void truncatedCopiesDeliverEveryWholeEventThenFail() throws Exception {
        for (String name : FILES) {
            byte[] bytes = ScapTestFiles.uncompressed(ScapTestFiles.scap(name));
            List<Long> starts = ScapFileSourceTest.eventBlockStarts(bytes);
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            Random rnd = new Random(name.hashCode());
            for (int i = 0; i < 600; i++) {
                int cut = i < 100
                        ? rnd.nextInt(Math.max(1, (int) (long) starts.get(0))) // inside the metadata
                        : (int) (long) starts.get(0) + rnd.nextInt(bytes.length - (int) (long) starts.get(0));
                Outcome o = run(name + "@cut" + cut, Arrays.copyOf(bytes, cut));
                long whole = starts.stream()
                        .filter(s -> s + b.getInt((int) (long) s + 4) <= cut)
                        .count();
                boolean atBoundary = cut == bytes.length || starts.contains((long) cut);
                if (cut >= starts.get(0)) {
                    assertEquals(whole, o.events(), name + " cut at " + cut + ": events before the cut");
                    assertEquals(atBoundary, o.error() == null, name + " cut at " + cut + ": " + o.error());
                }
            }
        }
    }

    @Test
    void bitFlippedCopiesEndCleanlyOrWithACaptureException() throws Exception {
        for (String name : FILES) {
            byte[] original = ScapTestFiles.uncompressed(ScapTestFiles.scap(name));
            List<Long> starts = ScapFileSourceTest.eventBlockStarts(original);
            Random rnd = new Random(31L * name.hashCode() + 7);
            for (int i = 0; i < 1500; i++) {
                byte[] bytes = original.clone();
                int flips = 1 + rnd.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    int pos;
                    if (i % 3 == 0) {
                        pos = rnd.nextInt(bytes.length); // anywhere
                    } else if (i % 3 == 1) {
                        // the block framing or event header of some event block
                        pos = (int) (long) starts.get(rnd.nextInt(starts.size())) + rnd.nextInt(8 + 2 + 26 + 8);
                    } else {
                        pos = rnd.nextInt((int) (long) starts.get(0)); // the metadata
                    }
                    pos = Math.min(pos, bytes.length - 1);
                    bytes[pos] ^= (byte) (1 << rnd.nextInt(8));
                }
                run(name + "@flip" + i, bytes);
            }
            // whole random words written over length fields
            for (int i = 0; i < 300; i++) {
                byte[] bytes = original.clone();
                int at = (int) (long) starts.get(rnd.nextInt(starts.size())) + 4 * rnd.nextInt(8);
                ByteBuffer.wrap(bytes)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putInt(Math.min(at, bytes.length - 4), rnd.nextInt());
                run(name + "@word" + i, bytes);
            }
        }
    }

    @Test
    void damagedGzipStreams() throws Exception {
        for (String name : FILES) {
            byte[] gz = Files.readAllBytes(ScapTestFiles.scap(name));
            assertTrue((gz[0] & 0xff) == 0x1f && (gz[1] & 0xff) == 0x8b, name + " is gzip");
            Random rnd = new Random(17L * name.hashCode());
            for (int i = 0; i < 300; i++) {
                int cut = rnd.nextInt(gz.length);
                Outcome o = run(name + "@gzcut" + cut, Arrays.copyOf(gz, cut));
                assertTrue(o.error() != null, name + " gzip cut at " + cut + " must not end cleanly");
            }
            for (int i = 0; i < 300; i++) {
                byte[] bytes = gz.clone();
                int pos = 10 + rnd.nextInt(bytes.length - 10);
                bytes[pos] ^= (byte) (1 << rnd.nextInt(8));
                run(name + "@gzflip" + i, bytes);
            }
        }
        System.out.println("fuzz: " + cases + " gzip cases, " + failedCleanly + " ended in a CaptureException");
    }
}
