// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.ConnectStringParser;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.Handler;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.Driver;
import sysql.calcite.FileEngine;
import sysql.calcite.LiveEngine;
import sysql.calcite.SysqlConnections;
import sysql.calcite.SysqlEngine;
import sysql.calcite.sql.SysqlPrepare;
import sysql.capture.CaptureException;

/**
 * The embedded JDBC driver, {@code jdbc:sysql:}: SQL over the live host's system calls (or, with
 * {@code file=}, a sysdig capture file), in this process. Calcite's driver with sysql's statement preparation
 * and schema; registered with {@code DriverManager} through {@code META-INF/services/java.sql.Driver}.
 * Properties: see {@link SysqlProperties}.
 *
 * <pre>{@code
 * try (Connection c = DriverManager.getConnection("jdbc:sysql:");
 *      ResultSet rs = c.createStatement().executeQuery(
 *          "SELECT proc.name, COUNT(*) FROM events WHERE fd.type = 'file' GROUP BY proc.name")) { ... }
 * }</pre>
 */
public final class SysqlDriver extends Driver {
    public static final String PREFIX = "jdbc:sysql:";

    static {
        new SysqlDriver().register();
    }

    /** The engine each open connection uses, released when it closes. */
    private final Map<AvaticaConnection, SysqlEngine> engines = new ConcurrentHashMap<>();

    @Override
    protected String getConnectStringPrefix() {
        return PREFIX;
    }

    @Override
    public CalcitePrepare createPrepare() {
        return new SysqlPrepare();
    }

    @Override
    protected DriverVersion createDriverVersion() {
        return new DriverVersion("sysql JDBC driver", "0.1.0", "sysql", "0.1.0", true, 0, 1, 0, 1);
    }

    /** {@code jdbc:sysql:} but not {@code jdbc:sysql:remote:} (that is {@link RemoteDriver}'s). */
    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX) && !url.startsWith(RemoteDriver.PREFIX);
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        Properties given = ConnectStringParser.parse(url.substring(PREFIX.length()), info);
        if (DaemonSocket.useDaemon(given)) {
            return RemoteDriver.connectDaemon(DaemonSocket.path(given), given);
        }
        SysqlProperties options = SysqlProperties.parse(given);
        Properties calcite = SysqlConnections.calciteProperties();
        given.forEach((k, v) -> {
            if (!SysqlProperties.NAMES.contains(String.valueOf(k))) {
                calcite.put(k, v);
            }
        });
        SysqlEngine engine;
        try {
            engine = options.file() != null
                    ? new FileEngine(options.file(), options.snaplen(), options.replaySpeed())
                    : LiveEngines.acquire(options.hubOptions());
        } catch (CaptureException e) {
            throw new SQLException(e.getMessage(), "08001", e);
        }
        Connection connection;
        try {
            connection = super.connect(PREFIX, calcite);
            SysqlConnections.install(connection, engine, options.querySettings());
        } catch (SQLException | RuntimeException e) {
            release(engine);
            throw SqlErrors.translate(e);
        }
        engines.put((AvaticaConnection) connection, engine);
        if (engine instanceof LiveEngine live && !"background".equals(given.getProperty("captureStart"))) {
            // the probe loaded while the connection was made; from here on, every event is captured
            try {
                live.hub();
            } catch (CaptureException | RuntimeException e) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // the start's failure is the one said
                }
                throw new SQLException(e.getMessage(), "08001", e);
            }
        }
        return SqlErrors.wrap(connection);
    }

    /**
     * The live capture these connection properties ask for, as one line (snaplen, ring, history in memory and on
     * disk, with the defaults filled in); a bad value is an error.
     */
    public static String describe(Properties properties) throws SQLException {
        return LiveEngines.describe(SysqlProperties.parse(properties).hubOptions());
    }

    /** The live capture's counters, if this process has one open. */
    public static java.util.Optional<sysql.capture.engine.CaptureHub.Stats> liveStats() {
        return LiveEngines.stats();
    }

    private static void release(SysqlEngine engine) {
        if (engine instanceof LiveEngine live) {
            LiveEngines.release(live);
        }
    }

    @Override
    protected Handler createHandler() {
        Handler calcite = super.createHandler();
        return new Handler() {
            @Override
            public void onConnectionInit(AvaticaConnection connection) throws SQLException {
                calcite.onConnectionInit(connection);
            }

            /** Closes the connection's statements too (Avatica leaves them open): a streaming query stops with it. */
            @Override
            public void onConnectionClose(AvaticaConnection connection) {
                for (AvaticaStatement s : java.util.List.copyOf(connection.statementMap.values())) {
                    try {
                        s.close();
                    } catch (SQLException e) {
                        // the connection closes anyway
                    }
                }
                calcite.onConnectionClose(connection);
                SysqlEngine engine = engines.remove(connection);
                if (engine != null) {
                    release(engine);
                }
            }

            @Override
            public void onStatementExecute(AvaticaStatement statement, ResultSink resultSink) {
                calcite.onStatementExecute(statement, resultSink);
            }

            @Override
            public void onStatementClose(AvaticaStatement statement) {
                calcite.onStatementClose(statement);
            }
        };
    }
}
