// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import picocli.CommandLine.Option;
import sysql.jdbc.DaemonSocket;
import sysql.jdbc.RemoteDriver;
import sysql.jdbc.SysqlDriver;

/** How the SQL commands connect: to the live host (with its capture settings) or, with -r, to a capture file. */
final class ConnectOptions {
    @Option(
            names = {"-r", "--read"},
            paramLabel = "FILE.scap",
            description = "Query this sysdig capture file instead of the live host.")
    Path file;

    @Option(
            names = "--snaplen",
            paramLabel = "BYTES",
            description = "Data bytes kept per I/O buffer, 1..65536 (default 80); also the most characters of a "
                    + "buffer's text (evt.arg.data...), so with -r a larger value shows what the file holds.")
    Integer snaplen;

    @Option(
            names = "--ring-size",
            paramLabel = "MiB",
            description = "Ring buffer per CPU in MiB, a power of two (default 8).")
    Integer ringMiB;

    @Option(
            names = "--driver",
            paramLabel = "auto|bpf|kmod",
            description = "The capture driver: sysql's kernel module where /dev/sysql exists, else the eBPF probe "
                    + "(auto, the default), the eBPF probe (bpf) or the kernel module (kmod).")
    String driver;

    @Option(
            names = "--no-history",
            description = "Keep no history: only SELECT STREAM reads events, and the kernel "
                    + "captures just what running queries need.")
    boolean noHistory;

    @Option(names = "--history-seconds", paramLabel = "S", description = "Seconds of history kept (default 60).")
    Integer historySeconds;

    @Option(names = "--history-mb", paramLabel = "MiB", description = "Most memory history takes (default 256).")
    Integer historyMegabytes;

    @Option(
            names = "--engine",
            paramLabel = "auto|daemon|embedded",
            description = "Query the sysql daemon (daemon), a capture of this process's own (embedded), or the daemon "
                    + "when it runs and no capture option is given (auto, the default).")
    String engine;

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "The sysql daemon's socket (default $SYSQL_SOCKET, else /run/sysql/sysql.sock).")
    Path socket;

    /** Refuse scap_file('path') in the queries (SQL that comes from elsewhere: an agent's fleet queries). */
    boolean noCaptureFiles;

    /** With {@link #file}: the speed it plays at as if live ({@code sysql export --replay}), or null. */
    Double replay;

    /** The settings file of TABLE(fleet(…)) ({@link FleetConfigOption}), or null. */
    Path fleetConfig;

    /** The connection properties these options give. */
    Properties properties() {
        Properties p = new Properties();
        if (engine != null) {
            p.setProperty("engine", engine);
        }
        if (socket != null) {
            p.setProperty("socket", socket.toString());
        }
        if (file != null) {
            p.setProperty("file", file.toString());
        }
        if (snaplen != null) {
            p.setProperty("snaplen", snaplen.toString());
        }
        if (ringMiB != null) {
            p.setProperty("ringSize", ringMiB.toString());
        }
        if (driver != null) {
            p.setProperty("driver", driver);
        }
        if (noHistory) {
            p.setProperty("history", "off");
        }
        if (historySeconds != null) {
            p.setProperty("historySeconds", historySeconds.toString());
        }
        if (historyMegabytes != null) {
            p.setProperty("historyMegabytes", historyMegabytes.toString());
        }
        if (replay != null) {
            p.setProperty("replay", replay.toString());
        }
        if (noCaptureFiles) {
            p.setProperty("scapFile", "off");
        }
        if (fleetConfig != null) {
            p.setProperty("fleetConfig", fleetConfig.toString());
        }
        return p;
    }

    /** The URL with every property in it (for tools that take a URL only, like the shell). */
    String url() {
        StringBuilder sb = new StringBuilder(SysqlDriver.PREFIX);
        properties()
                .forEach((k, v) -> sb.append(sb.length() > SysqlDriver.PREFIX.length() ? ";" : "")
                        .append(k)
                        .append('=')
                        .append(quote(v.toString())));
        return sb.toString();
    }

    private static String quote(String v) {
        return v.matches("[A-Za-z0-9_./-]*") ? v : "'" + v.replace("'", "''") + "'";
    }

    /**
     * Opens the connection for statements that start right away (sysql query, chisels): an embedded capture's probe
     * loads while the first statement is prepared; its events are those from when the probe runs.
     */
    Connection connectForQueries() throws SQLException {
        return connect("background");
    }

    /** Opens the connection; a missing file is named before anything else is tried. */
    Connection connect() throws SQLException {
        return connect("wait");
    }

    private Connection connect(String captureStart) throws SQLException {
        if (file != null && !Files.isReadable(file)) {
            throw new SQLException("cannot read capture file " + file + ": it does not exist or is not readable");
        }
        Properties p = properties();
        if (DaemonSocket.useDaemon(p)) {
            return RemoteDriver.connectDaemon(DaemonSocket.path(p), p); // without loading the embedded engine
        }
        try {
            Class.forName(SysqlDriver.class.getName());
        } catch (ClassNotFoundException e) {
            throw new SQLException("the sysql JDBC driver is missing from the classpath", e);
        }
        p.setProperty("captureStart", captureStart);
        return DriverManager.getConnection(SysqlDriver.PREFIX, p);
    }
}
