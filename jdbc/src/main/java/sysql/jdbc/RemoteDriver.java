// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.Set;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.ConnectStringParser;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.Driver;

/**
 * {@code jdbc:sysql:remote:url=http://HOST:PORT}: Avatica's remote driver, tuned for a {@code sysql serve}:
 * protobuf by default, {@code user}/{@code password} taken as Avatica's credentials (basic authentication
 * unless {@code authentication=} says otherwise), rows handed out as soon as they arrive (Avatica's own
 * iterator holds each frame's last row back until the next frame comes, which on a stream can be long), and a
 * {@code Statement.cancel()} that also closes the statement, so the server stops the query at once (Avatica
 * has no remote cancel). Any other Avatica client works with the server too; this one is what the shell uses.
 */
public final class RemoteDriver extends Driver {
    public static final String PREFIX = "jdbc:sysql:remote:";

    static {
        new RemoteDriver().register();
    }

    @Override
    protected String getConnectStringPrefix() {
        return PREFIX;
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        Properties p = ConnectStringParser.parse(url.substring(PREFIX.length()), info);
        String socket = p.getProperty("socket");
        p.remove("socket");
        if (socket != null && p.getProperty("url") == null) {
            // the daemon's Unix socket: Avatica's protocol over sysql's transport, which reads the path from the URL
            try {
                p.setProperty(
                        "url", Path.of(socket).toAbsolutePath().toUri().toURL().toString());
            } catch (java.net.MalformedURLException | java.nio.file.InvalidPathException e) {
                throw new SQLException("socket=" + socket + " is not a path: give the daemon's socket file", "08001");
            }
            p.setProperty("serialization", "PROTOBUF");
            p.setProperty("httpclient_impl", UnixSocketClient.class.getName());
        }
        if (p.getProperty("url") == null) {
            throw new SQLException("the URL names no server: write " + PREFIX + "url=http://HOST:PORT (a sysql "
                    + "serve) or " + PREFIX + "socket=/run/sysql/sysql.sock (the sysql daemon)");
        }
        p.putIfAbsent("serialization", "PROTOBUF");
        p.putIfAbsent("httpclient_impl", RemoteHttpClient.class.getName());
        String user = p.getProperty("user");
        if (user != null && !user.isEmpty() && p.getProperty("avatica_user") == null) {
            p.setProperty("avatica_user", user);
            p.setProperty("avatica_password", p.getProperty("password", ""));
            p.putIfAbsent("authentication", "BASIC");
        }
        p.remove("user");
        p.remove("password");
        try {
            Connection c = super.connect(PREFIX, p);
            c.getMetaData(); // a first request: a wrong address or password is said here, not at the first query
            return (Connection) wrap(c, Connection.class);
        } catch (SQLException | RuntimeException e) {
            throw new SQLException(
                    RemoteErrors.message(e, socket != null ? "the sysql daemon on " + socket : p.getProperty("url")),
                    e instanceof SQLException s ? s.getSQLState() : "08001",
                    e);
        }
    }

    /** A connection to the {@code sysql daemon} on {@code socket}; {@code info}: the client's connection properties. */
    public static Connection connectDaemon(Path socket, Properties info) throws SQLException {
        Properties p = new Properties();
        for (String k : DaemonSocket.CLIENT_PROPERTIES) {
            if (info.getProperty(k) != null) {
                p.setProperty(k, info.getProperty(k));
            }
        }
        p.setProperty("socket", socket.toString());
        return new RemoteDriver().connect(PREFIX, p);
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public Meta createMeta(AvaticaConnection connection) {
        Meta remote = super.createMeta(connection);
        return (Meta) Proxy.newProxyInstance(
                RemoteDriver.class.getClassLoader(), new Class<?>[] {Meta.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createIterable") && args.length == 5) {
                        return rows(connection, remote, (Meta.StatementHandle) args[0], (Meta.Frame) args[4]);
                    }
                    try {
                        return method.invoke(remote, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The rows of a statement, fetched only when the caller asks for the next one. */
    private static Iterable<Object> rows(
            AvaticaConnection connection, Meta meta, Meta.StatementHandle h, Meta.Frame firstFrame) {
        return () -> new Iterator<>() {
            private Meta.Frame frame = firstFrame != null ? firstFrame : Meta.Frame.MORE;
            private Iterator<Object> rows = frame.rows.iterator();
            private long offset;

            @Override
            public boolean hasNext() {
                while (!rows.hasNext()) {
                    if (frame.done || cancelled()) {
                        return false;
                    }
                    try {
                        frame = meta.fetch(h, offset, fetchSize());
                    } catch (NoSuchStatementException | MissingResultsException e) {
                        if (cancelled()) {
                            return false;
                        }
                        throw new IllegalStateException(
                                "the server no longer has this query: it was closed there, or "
                                        + "not fetched from for longer than the server's --idle-timeout",
                                e);
                    } catch (RuntimeException e) {
                        if (cancelled()) {
                            return false;
                        }
                        throw e;
                    }
                    rows = frame.rows.iterator();
                }
                return true;
            }

            @Override
            public Object next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                offset++;
                return rows.next();
            }

            /** Cancelled, or closed here (the cancel of sysql's driver closes; Avatica forgets a closed one's flag). */
            private boolean cancelled() {
                AvaticaStatement s = connection.statementMap.get(h.id);
                try {
                    return s == null
                            || s.isClosed()
                            || connection.getCancelFlag(h).get();
                } catch (SQLException | NoSuchStatementException e) {
                    return true;
                }
            }

            private int fetchSize() {
                AvaticaStatement s = connection.statementMap.get(h.id);
                try {
                    return s == null || s.getFetchSize() <= 0 ? AvaticaStatement.DEFAULT_FETCH_SIZE : s.getFetchSize();
                } catch (SQLException e) {
                    return AvaticaStatement.DEFAULT_FETCH_SIZE;
                }
            }
        };
    }

    private static final Set<Class<?>> WRAPPED =
            Set.of(Connection.class, Statement.class, PreparedStatement.class, CallableStatement.class);

    private static Object wrap(Object target, Class<?> type) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("cancel") && target instanceof Statement s) {
                s.cancel();
                s.close(); // the server's query stops now, not at its idle timeout
                return null;
            }
            if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
                return method.invoke(target, args);
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SQLException || cause instanceof RuntimeException) {
                    throw new SQLException(
                            RemoteErrors.message(cause, null),
                            cause instanceof SQLException s ? s.getSQLState() : null,
                            cause);
                }
                throw cause;
            }
            Class<?> rt = method.getReturnType();
            return result != null && WRAPPED.contains(rt) ? wrap(result, rt) : result;
        };
        return Proxy.newProxyInstance(RemoteDriver.class.getClassLoader(), new Class<?>[] {type}, h);
    }
}
