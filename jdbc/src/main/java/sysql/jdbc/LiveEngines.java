// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import java.sql.SQLException;
import sysql.calcite.LiveEngine;
import sysql.capture.CaptureException;
import sysql.capture.engine.CaptureHub;

/**
 * The one live capture of this process, shared by every {@code jdbc:sysql:} connection to the live host:
 * opened by the first, closed (probe unloaded) with the last. Connections that ask for other capture
 * settings while it runs are refused with the settings in use.
 */
final class LiveEngines {
    private static LiveEngine engine;
    private static CaptureHub.Options options;
    private static int users;

    private LiveEngines() {}

    static synchronized LiveEngine acquire(CaptureHub.Options wanted) throws SQLException {
        if (engine != null && engine.failed()) {
            // a start that failed (its connections see why): the next connection tries again
            engine = null;
            options = null;
            users = 0;
        }
        if (engine == null) {
            // the probe loads while the caller prepares: the first use of the capture waits for it
            engine = LiveEngine.starting(wanted);
            options = wanted;
        } else if (!options.equals(wanted)) {
            throw new SQLException(
                    "this process already captures with other settings (" + describe(options)
                            + "): connect with the same settings, or close its other connections first",
                    "08001");
        }
        users++;
        return engine;
    }

    static synchronized void release(LiveEngine e) {
        if (e != engine || users == 0) {
            return;
        }
        if (--users == 0) {
            sysql.calcite.sql.SysqlPrepare.forgetPlans(engine);
            try {
                engine.hub().close();
            } catch (CaptureException | RuntimeException failed) {
                // it never started: nothing to close
            }
            engine = null;
            options = null;
        }
    }

    static java.util.Optional<CaptureHub.Stats> stats() {
        LiveEngine e;
        synchronized (LiveEngines.class) {
            e = engine;
        }
        if (e == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(e.hub().stats());
        } catch (CaptureException ex) {
            return java.util.Optional.empty();
        }
    }

    static String describe(CaptureHub.Options o) {
        return "snaplen " + o.capture().snaplen() + ", ring " + (o.capture().ringBytesPerCpu() >> 20) + " MiB, history "
                + (o.history() == null
                        ? "off"
                        : o.history().nanos() / 1_000_000_000L + " s / "
                                + (o.history().bytes() >> 20) + " MiB")
                + (o.disk() == null
                        ? ""
                        : ", on disk in " + o.disk().dir() + " " + o.disk().maxAgeNanos() / 1_000_000_000L + " s / "
                                + (o.disk().maxBytes() >> 20) + " MiB")
                + (o.history() == null || o.historyFilter().isAll()
                        ? ""
                        : ", history filter " + o.historyFilter() + " (+ the events the state needs)");
    }
}
