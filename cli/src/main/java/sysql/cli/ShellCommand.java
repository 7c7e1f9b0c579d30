// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sqlline.SqlLine;
import sysql.capture.engine.CaptureHub;
import sysql.jdbc.RemoteDriver;
import sysql.jdbc.SysqlDriver;

/**
 * {@code sysql shell} (and {@code sysql} alone): the interactive SQL shell, sqlline over {@code jdbc:sysql:}.
 * The connection (and so the live capture and its history) opens before the prompt, so a missing privilege
 * is one line and an exit, and history fills while the user types. Rows of a streaming query print as they
 * arrive; Ctrl-C cancels the running query and brings the prompt back; drops of the capture are reported
 * as they happen. With {@code --url}, the same shell against a remote {@code sysql serve}.
 */
@Command(
        name = "shell",
        mixinStandardHelpOptions = true,
        description = "The interactive SQL shell over live events (a capture file with -r, a sysql serve with --url).")
final class ShellCommand implements Callable<Integer> {
    /** JLine's property for a terminal without line editing (what it falls back to without a terminal). */
    private static final String DUMB_TERMINAL = "org.jline.terminal.dumb";

    @Mixin
    ConnectOptions connect = new ConnectOptions();

    @Mixin
    RemoteOptions remote = new RemoteOptions();

    @Mixin
    FleetConfigOption fleetConfig = new FleetConfigOption();

    @Override
    @SuppressWarnings("try") // held open so the capture (and its history) runs from before the prompt
    public Integer call() {
        fleetConfig.applyTo(connect);
        try (Connection held = remote.isSet() ? remote.connect() : connect.connect()) {
            DropWarnings warnings = new DropWarnings();
            if (System.console() == null && System.getProperty(DUMB_TERMINAL) == null) {
                // statements piped in (or the output piped on): JLine cannot make a system terminal, and asked
                // for a dumb one explicitly it makes it without warning that it could not
                System.setProperty(DUMB_TERMINAL, "true");
            }
            ShellLine sqlline = new ShellLine();
            warnings.start(sqlline, held);
            try {
                SqlLine.Status status = sqlline.begin(arguments(), null, true);
                return status == SqlLine.Status.OK ? 0 : 1;
            } finally {
                warnings.stop();
            }
        } catch (SQLException e) {
            System.err.println("sysql: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("sysql: cannot start the shell's terminal: " + e.getMessage());
            return 1;
        }
    }

    private String[] arguments() throws SQLException {
        if (remote.isSet()) {
            return new String[] {
                "-ac",
                ShellApplication.class.getName(),
                "-u",
                remote.jdbcUrl(),
                "-n",
                remote.user(),
                "-p",
                remote.password(),
                "-d",
                RemoteDriver.class.getName()
            };
        }
        return embeddedArguments(connect.url());
    }

    /** sqlline's arguments for the shell over an embedded {@code jdbc:sysql:} connection to {@code url}. */
    static String[] embeddedArguments(String url) {
        return new String[] {
            "-ac", ShellApplication.class.getName(), "-u", url, "-n", "", "-p", "", "-d", SysqlDriver.class.getName()
        };
    }

    /**
     * Reports, once a second, events the capture dropped (and rows queries lost) since the last report: from the
     * process's own capture, or, on a connection to a daemon, from its {@code capture_stats} (the host's drops;
     * the rows other users' queries lost are theirs).
     */
    private static final class DropWarnings {
        private Thread thread;
        private volatile boolean running = true;
        private final Object sleep = new Object();

        void start(ShellLine sqlline, Connection held) {
            thread = new Thread(
                    () -> {
                        long drops = -1;
                        long lost = -1;
                        while (running) {
                            try {
                                synchronized (sleep) {
                                    if (running) {
                                        sleep.wait(1000);
                                    }
                                }
                            } catch (InterruptedException e) {
                                return;
                            }
                            if (!running) {
                                return;
                            }
                            long[] now = counters(held);
                            if (now == null) {
                                continue;
                            }
                            long d = now[0];
                            long l = now[1];
                            if (drops >= 0 && d > drops) {
                                say(
                                        sqlline,
                                        "warning: the capture dropped " + (d - drops) + " events in the last second "
                                                + "(ring buffers full): restart with a larger --ring-size, or narrow the query");
                            }
                            if (lost >= 0 && l > lost) {
                                say(
                                        sqlline,
                                        "warning: a query fell behind the stream and lost " + (l - lost)
                                                + " rows: select fewer columns or filter more");
                            }
                            drops = d;
                            lost = l;
                        }
                    },
                    "sysql-drop-warnings");
            thread.setDaemon(true);
            thread.start();
        }

        /** The capture's drops and the rows its queries lost, or null when there is no live capture to ask. */
        private static long[] counters(Connection held) {
            Optional<CaptureHub.Stats> stats = SysqlDriver.liveStats();
            if (stats.isPresent()) {
                return new long[] {
                    stats.get().driver().drops(),
                    stats.get().subscriptions().stream()
                            .mapToLong(CaptureHub.SubscriptionStats::droppedRows)
                            .sum()
                };
            }
            try {
                if (held.isWrapperFor(org.apache.calcite.jdbc.CalciteConnection.class)) {
                    return null; // an embedded connection over a file, or before its capture started
                }
                try (Statement st = held.createStatement();
                        ResultSet rs = st.executeQuery("SELECT drops FROM capture_stats WHERE cpu IS NULL")) {
                    return rs.next() ? new long[] {rs.getLong(1), 0} : null;
                }
            } catch (SQLException e) {
                return null; // a daemon over a file, or going away
            }
        }

        private static void say(ShellLine sqlline, String message) {
            sqlline.printAbove(message);
        }

        /**
         * Stops the reports and waits for the last one: not by an interrupt, which would close the connection a
         * report may be reading from (a daemon's socket).
         */
        void stop() {
            running = false;
            synchronized (sleep) {
                sleep.notifyAll();
            }
            if (thread != null) {
                try {
                    thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
