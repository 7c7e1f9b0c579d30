// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.PrintWriter;
import sysql.capture.CaptureException;
import sysql.capture.CaptureStats;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.LiveCapture;

/** Prints live events one per line until a count, a duration or Ctrl-C; then a drop summary on stderr. */
final class LivePrinter {
    private final PrintCommand options;

    LivePrinter(PrintCommand options) {
        this.options = options;
    }

    int run(PrintWriter out, PrintWriter err) {
        try (StopSignal stop = new StopSignal();
                LiveCapture capture = options.capture.open();
                EventBatch batch = new EventBatch()) {
            capture.start();
            long deadline = options.durationSeconds > 0
                    ? System.nanoTime() + (long) (options.durationSeconds * 1e9)
                    : Long.MAX_VALUE;
            Event e = new Event();
            long printed = 0;
            while (!stop.raised() && System.nanoTime() < deadline && (options.count < 0 || printed < options.count)) {
                capture.fill(batch, 100);
                while (batch.next(e) && (options.count < 0 || printed < options.count)) {
                    out.println(e);
                    printed++;
                }
                out.flush();
            }
            capture.stop();
            CaptureStats s = capture.stats();
            err.printf(
                    "sysql: %d events printed; driver: %d events, %d dropped (ring full %d), %d filtered%n",
                    printed, s.events(), s.drops(), s.dropsFull(), s.filtered());
            return 0;
        } catch (CaptureException ex) {
            err.println("sysql: " + ex.getMessage());
            return 1;
        }
    }
}
