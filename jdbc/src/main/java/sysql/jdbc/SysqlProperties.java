// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import sysql.calcite.HistoryFilter;
import sysql.calcite.QuerySettings;
import sysql.calcite.SysqlException;
import sysql.capture.CaptureException;
import sysql.capture.LiveCapture;
import sysql.capture.engine.CaptureHub;
import sysql.capture.engine.KernelFilter;
import sysql.capture.engine.Recorder;

/**
 * The properties of a {@code jdbc:sysql:} connection, from the URL ({@code jdbc:sysql:snaplen=256;history=off})
 * or the {@code Properties} given to {@code connect}:
 * <ul>
 *   <li>{@code file} — a sysdig {@code .scap} file to query instead of the live host;
 *   <li>{@code snaplen} — data bytes kept per I/O buffer, 1..65536 (default 80), and the print length of a
 *       buffer's text (evt.arg.data, evt.buffer...): live, the capture keeps that many bytes and the text shows
 *       them all; over a file ({@code file}, {@code scap_file}), a buffer the file holds more of is cut to it;
 *   <li>{@code ringSize} — ring buffer per CPU in MiB, a power of two up to 1024 (default 8; the kernel
 *       module's rings are 8 MiB);
 *   <li>{@code driver} — the capture driver: {@code auto} (default: sysql's kernel module where its device
 *       /dev/sysql exists, else the eBPF probe), {@code bpf} or {@code kmod};
 *   <li>{@code history} — {@code on} (default) keeps the recent events queryable without STREAM; {@code off}
 *       records nothing (the kernel then captures only what running queries ask for);
 *   <li>{@code historySeconds} — how long history is kept (default 60);
 *   <li>{@code historyMegabytes} — the most memory history takes (default 256);
 *   <li>{@code historyFilter} — a condition the history keeps, which the kernel evaluates: {@code evt.type},
 *       {@code proc.pid}, {@code thread.tid}, {@code proc.name} with =, <>, IN, NOT IN and AND, e.g. {@code
 *       evt.type NOT IN ('getppid','futex')} (default none: every event); the events the state needs are kept
 *       whatever it says, and evt.num in the history then counts the recorded events;
 *   <li>{@code windowGroups} — the most groups one window of a streaming aggregate holds (default 100000);
 *   <li>{@code statementMemory} — MiB of rows one statement's sorts, joins' build sides, windows, set operations and
 *       value-keeping aggregates may keep, estimated from the rows (default half the heap); past it the
 *       statement fails in one line;
 *   <li>{@code historyDir} — a directory where the history goes on, on disk, beyond the memory budget: rotating
 *       sysdig {@code .scap} segments (default none: memory only; {@code sysql daemon} uses /var/lib/sysql/history);
 *   <li>{@code historyDiskMegabytes} (2048), {@code historyDiskSeconds} (900) — what the disk history keeps, the
 *       oldest segment going first; {@code historyCompress} — gzip the segments (off);
 *   <li>{@code captureStart} — {@code wait} (default: {@code connect} returns once the probe runs, so every
 *       later event is captured) or {@code background} (it returns at once and the probe loads while the first
 *       query is prepared: {@code sysql query}'s one-shot queries);
 *   <li>{@code scapFile} — {@code on} (default) lets {@code scap_file('path')} open any path this process can read;
 *       {@code off} refuses it (a server's clients' connections, unless {@code scapDir} is given);
 *   <li>{@code scapDir} — a server's {@code --scap-dir}: {@code scap_file('path')} reads only the regular files
 *       under this directory (a relative path is taken from it), opened without blocking, and refuses every other
 *       path with one message, whatever {@code scapFile} says. A server's property: its clients cannot set it;
 *   <li>{@code engine} — {@code auto} (default: the {@code sysql daemon} when it runs and no capture setting
 *       above is given, else this process's own capture), {@code daemon} or {@code embedded};
 *   <li>{@code replay} — with {@code file}: play the file as if live, at this many times its recorded pace (1: as
 *       recorded), its event times moved to now by a whole number of seconds ({@code sysql export --replay});
 *   <li>{@code socket} — the daemon's socket (default {@code $SYSQL_SOCKET}, else /run/sysql/sysql.sock);
 *   <li>{@code fleetConfig} — a properties file for {@code TABLE(fleet(…))}: Kafka client settings (TLS, SASL,
 *       timeouts: {@code security.protocol=SASL_SSL}, {@code ssl.truststore.location=…}) and sysql's own
 *       {@code sysql.control.topic} (sysql.fleet) and {@code sysql.lateness} (seconds, 5); not a server's clients'
 *       (they cannot run fleet queries);
 *   <li>{@code fleet} — {@code on} (default) lets {@code TABLE(fleet(…))} run; {@code off} refuses it (a server sets
 *       it for its clients, whose fleet queries would make it connect out and run them).
 * </ul>
 * Calcite's own connection properties pass through. A bad value is a one-line error naming the fix.
 */
public record SysqlProperties(
        Path file,
        int snaplen,
        int ringMiB,
        boolean history,
        long historySeconds,
        long historyMegabytes,
        int windowGroups,
        Path historyDir,
        long historyDiskMegabytes,
        long historyDiskSeconds,
        boolean historyCompress,
        boolean readsFiles,
        Path scapDir,
        KernelFilter historyFilter,
        int statementMegabytes,
        LiveCapture.Driver driver,
        double replaySpeed,
        Path fleetConfig,
        boolean fleetQueries) {
    public static final Set<String> NAMES = Set.of(
            "file",
            "snaplen",
            "ringSize",
            "driver",
            "history",
            "historySeconds",
            "historyMegabytes",
            "windowGroups",
            "engine",
            "socket",
            "historyDir",
            "historyDiskMegabytes",
            "historyDiskSeconds",
            "historyCompress",
            "historyFilter",
            "scapFile",
            "scapDir",
            "statementMemory",
            "captureStart",
            "replay",
            "fleetConfig",
            "fleet");

    static SysqlProperties parse(Properties p) throws SQLException {
        String file = p.getProperty("file");
        return new SysqlProperties(
                file == null || file.isBlank() ? null : Path.of(file),
                intIn(p, "snaplen", 80, 1, 65536, "data bytes kept per I/O buffer"),
                powerOfTwo(p, "ringSize", 8),
                onOff(p, "history", true),
                intIn(p, "historySeconds", 60, 1, 24 * 3600, "seconds of history kept"),
                intIn(p, "historyMegabytes", 256, 4, 1 << 20, "MiB of memory history takes (at least 4)"),
                intIn(
                        p,
                        "windowGroups",
                        QuerySettings.DEFAULT.windowGroups(),
                        1,
                        100_000_000,
                        "most groups one window of a streaming aggregate holds"),
                path(p, "historyDir"),
                intIn(
                        p,
                        "historyDiskMegabytes",
                        (int) (Recorder.DiskHistory.DEFAULT_MAX_BYTES >> 20),
                        4,
                        1 << 24,
                        "MiB of disk the history takes (at least 4)"),
                intIn(
                        p,
                        "historyDiskSeconds",
                        (int) (Recorder.DiskHistory.DEFAULT_MAX_AGE_NANOS / 1_000_000_000L),
                        1,
                        30 * 24 * 3600,
                        "seconds of history kept on disk"),
                onOff(p, "historyCompress", false),
                onOff(p, "scapFile", true),
                path(p, "scapDir"),
                historyFilter(p),
                intIn(
                        p,
                        "statementMemory",
                        (int) Math.max(1, QuerySettings.DEFAULT_STATEMENT_BYTES >> 20),
                        1,
                        1 << 24,
                        "MiB of rows one statement's sorts, joins and windows may keep"),
                driver(p),
                replay(p),
                path(p, "fleetConfig"),
                onOff(p, "fleet", true));
    }

    /** {@code replay}: the speed a {@code file} plays at as if live (1 = its recorded pace), or 0 for none. */
    private static double replay(Properties p) throws SQLException {
        String v = p.getProperty("replay");
        if (v == null || v.isBlank() || v.trim().equalsIgnoreCase("off")) {
            return 0;
        }
        String file = p.getProperty("file");
        if (file == null || file.isBlank()) {
            throw new SQLException(
                    "replay plays a capture file as if live: give the file too (file=, -r FILE)", "HY024");
        }
        try {
            double speed = Double.parseDouble(v.trim());
            if (speed >= 0.001 && speed <= 1_000_000) {
                return speed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SQLException(
                "connection property replay=" + v
                        + " is invalid: give the speed as a number from 0.001 to 1000000 (1 = the recorded pace)",
                "HY024");
    }

    private static LiveCapture.Driver driver(Properties p) throws SQLException {
        String v = p.getProperty("driver");
        if (v == null || v.isBlank()) {
            return LiveCapture.Driver.AUTO;
        }
        try {
            return LiveCapture.Driver.parse(v);
        } catch (CaptureException e) {
            throw new SQLException(e.getMessage(), "HY024");
        }
    }

    private static KernelFilter historyFilter(Properties p) throws SQLException {
        String filter = p.getProperty("historyFilter");
        if (filter != null && !filter.isBlank()) {
            String file = p.getProperty("file");
            if (file != null && !file.isBlank()) {
                throw new SQLException(
                        "historyFilter is for a live capture's history, not a capture file: leave it out with file=",
                        "HY024");
            }
            if (!onOff(p, "history", true)) {
                throw new SQLException(
                        "historyFilter needs a history: leave it out with history=off (--no-history)", "HY024");
            }
        }
        try {
            return HistoryFilter.parse(filter);
        } catch (SysqlException e) {
            throw new SQLException(e.getMessage(), "HY024");
        }
    }

    private static Path path(Properties p, String name) {
        String v = p.getProperty(name);
        return v == null || v.isBlank() ? null : Path.of(v.trim());
    }

    QuerySettings querySettings() {
        QuerySettings q = new QuerySettings(windowGroups, snaplen)
                .withStatementBytes((long) statementMegabytes << 20)
                .withFleetConfig(fleetConfig);
        if (!fleetQueries) {
            q = q.withoutFleetQueries();
        }
        if (scapDir != null) {
            return q.withScapDir(scapDir);
        }
        return readsFiles ? q : q.withoutFiles();
    }

    /** The live capture these properties describe. */
    CaptureHub.Options hubOptions() {
        return new CaptureHub.Options(
                LiveCapture.Options.defaults()
                        .withSnaplen(snaplen)
                        .withRingBytes(ringMiB << 20)
                        .withDriver(driver),
                history ? new Recorder.Retention(historySeconds * 1_000_000_000L, historyMegabytes << 20) : null,
                history && historyDir != null
                        ? new Recorder.DiskHistory(
                                historyDir,
                                historyDiskMegabytes << 20,
                                historyDiskSeconds * 1_000_000_000L,
                                historyCompress)
                        : null,
                history ? historyFilter : KernelFilter.ALL);
    }

    private static int intIn(Properties p, String name, int dflt, int min, int max, String what) throws SQLException {
        String v = p.getProperty(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SQLException(
                "connection property " + name + "=" + v + " is invalid: give the " + what + " as a whole number from "
                        + min + " to " + max,
                "HY024");
    }

    private static int powerOfTwo(Properties p, String name, int dflt) throws SQLException {
        int n = intIn(p, name, dflt, 1, 1024, "ring buffer size per CPU in MiB");
        if (Integer.bitCount(n) != 1) {
            throw new SQLException(
                    "connection property " + name + "=" + n
                            + " is invalid: the ring buffer size must be a power of two (1, 2, 4 ... 1024 MiB)",
                    "HY024");
        }
        return n;
    }

    private static boolean onOff(Properties p, String name, boolean dflt) throws SQLException {
        String v = p.getProperty(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes", "1":
                return true;
            case "off", "false", "no", "0":
                return false;
            default:
                throw new SQLException("connection property " + name + "=" + v + " is invalid: use on or off", "HY024");
        }
    }
}
