// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sysql.capture.CaptureException;
import sysql.capture.CaptureStats;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.EventTypes;
import sysql.capture.LiveCapture;

/**
 * {@code sysql count}: captures for a while and counts the events that reach Java, per event type, without
 * printing them; ends with one summary line (events/s into Java, drops). Also the benchmarks' consumer.
 */
@Command(
        name = "count",
        mixinStandardHelpOptions = true,
        description = "Count live events by type until Ctrl-C or --duration; print rates and drops.")
final class CountCommand implements Callable<Integer> {
    @Mixin
    CaptureOptions capture = new CaptureOptions();

    @Option(
            names = {"-d", "--duration"},
            paramLabel = "SECONDS",
            description = "Stop after this many seconds.")
    double durationSeconds = -1;

    @Option(names = "--top", paramLabel = "N", description = "Event types to list (default 10).")
    int top = 10;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        try (StopSignal stop = new StopSignal();
                LiveCapture live = capture.open();
                EventBatch batch = new EventBatch()) {
            long[] perType = new long[4096];
            live.start();
            out.println("sysql count: capturing");
            out.flush();
            long start = System.nanoTime();
            long deadline = durationSeconds > 0 ? start + (long) (durationSeconds * 1e9) : Long.MAX_VALUE;
            Event e = new Event();
            long total = 0;
            while (!stop.raised() && System.nanoTime() < deadline) {
                live.fill(batch, 100);
                while (batch.next(e)) {
                    perType[e.typeCode() & 4095]++;
                    total++;
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            live.stop();
            // Drain what is left in the rings after the probe detached.
            do {
                live.fill(batch, 0);
                while (batch.next(e)) {
                    perType[e.typeCode() & 4095]++;
                    total++;
                }
            } while (batch.count() > 0);
            CaptureStats s = live.stats();
            Integer[] order = new Integer[perType.length];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, (a, b) -> Long.compare(perType[b], perType[a]));
            for (int i = 0; i < Math.min(top, order.length) && perType[order[i]] > 0; i++) {
                var t = EventTypes.byCode(order[i]);
                out.printf("%12d  %s%n", perType[order[i]], t != null ? t.toString() : "code " + order[i]);
            }
            out.printf(
                    "events=%d seconds=%.3f events_per_sec=%.0f driver_events=%d drops=%d drops_full=%d "
                            + "filtered=%d invalid=%d%n",
                    total, secs, total / secs, s.events(), s.drops(), s.dropsFull(), s.filtered(), s.invalidEvents());
            out.flush();
            return 0;
        } catch (CaptureException ex) {
            System.err.println("sysql: " + ex.getMessage());
            return 1;
        }
    }
}
