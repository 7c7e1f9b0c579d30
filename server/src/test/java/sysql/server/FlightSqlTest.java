// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.TestData;

/**
 * {@code sysql serve --flight-sql} through Apache Arrow's own Flight SQL JDBC driver, over a capture file: a query's
 * rows and column types are those of the same query through {@code jdbc:sysql:}; the catalog (tables, columns,
 * the server's name and keywords from GetSqlInfo) browses; a write is refused in one line; with {@code --auth basic}
 * the realm file's user with the role gets in, a wrong password and a user without the role do not; every statement
 * is gone from the server once its client closed it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FlightSqlTest {
    static final String QUERY = "SELECT evt.num, evt.time, proc.name, proc.pid, evt.type, evt.dir, fd.name, "
            + "evt.is_io FROM events ORDER BY evt.num LIMIT 300";

    static SysqlServer server;
    static Properties engine;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Class.forName("sysql.jdbc.SysqlDriver");
        Class.forName("org.apache.arrow.driver.jdbc.ArrowFlightJdbcDriver");
        engine = new Properties();
        engine.setProperty(
                "file",
                TestData.scap("libs_curl_google.scap")
                        .toAbsolutePath()
                        .normalize()
                        .toString());
        server = SysqlServer.start(
                TestServers.loopback(ServerLimits.defaults(), engine).withFlightSql(0));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Connection flight(SysqlServer s, String user, String password) throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(s.flightSqlUrl(), p);
    }

    static List<List<Object>> rows(ResultSet rs) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                Object v = rs.getObject(i);
                if (v instanceof Number x && !(v instanceof Double)) {
                    v = x.longValue(); // the width is checked by the column types
                } else if (v instanceof java.sql.Timestamp t) {
                    v = t.getTime();
                } else if (v instanceof java.time.LocalDateTime t) {
                    v = java.sql.Timestamp.valueOf(t).getTime();
                }
                row.add(v);
            }
            out.add(row);
        }
        return out;
    }

    @Test
    void aQuerysRowsAndTypesAreThoseOfTheEmbeddedDriver() throws Exception {
        List<List<Object>> embedded;
        List<Integer> embeddedTypes = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sysql:", engine);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(QUERY)) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                embeddedTypes.add(rs.getMetaData().getColumnType(i));
            }
            embedded = rows(rs);
        }
        try (Connection c = flight(server, null, null);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(QUERY)) {
            ResultSetMetaData md = rs.getMetaData();
            assertEquals(embeddedTypes.size(), md.getColumnCount());
            assertEquals("evt.num", md.getColumnLabel(1));
            assertEquals("proc.name", md.getColumnLabel(3));
            assertEquals(Types.BIGINT, md.getColumnType(1));
            assertEquals(Types.BIGINT, embeddedTypes.get(0));
            assertEquals(Types.TIMESTAMP, md.getColumnType(2));
            assertEquals(Types.VARCHAR, md.getColumnType(3));
            for (int i = 1; i <= md.getColumnCount(); i++) {
                assertEquals(embeddedTypes.get(i - 1), md.getColumnType(i), "type of column " + md.getColumnLabel(i));
            }
            List<List<Object>> remote = rows(rs);
            assertEquals(300, embedded.size());
            assertEquals(embedded.size(), remote.size());
            for (int r = 0; r < embedded.size(); r++) {
                for (int col = 0; col < embedded.get(r).size(); col++) {
                    Object want = embedded.get(r).get(col);
                    Object got = remote.get(r).get(col);
                    final int row = r;
                    final int column = col;
                    assertTrue(
                            Objects.equals(want, got),
                            () -> "row " + row + " column " + (column + 1) + ": " + want + " <> " + got);
                }
            }
        }
        assertEquals(0, server.openResultSets(), "a result set is still being read");
        assertEquals(0, server.flightSqlStatements(), "a statement is still open");
    }

    @Test
    void theCatalogBrowsesThroughGetTablesAndGetSqlInfo() throws Exception {
        try (Connection c = flight(server, null, null)) {
            DatabaseMetaData md = c.getMetaData();
            assertEquals("sysql", md.getDatabaseProductName());
            assertFalse(md.getSQLKeywords().isEmpty(), "GetSqlInfo sent no keywords");
            assertTrue(md.isReadOnly());
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, null, "%", null)) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertTrue(tables.contains("events"), () -> "tables: " + tables);
            List<String> columns = new ArrayList<>();
            String procNameType = null;
            try (ResultSet rs = md.getColumns(null, null, "events", null)) {
                while (rs.next()) {
                    assertEquals("events", rs.getString("TABLE_NAME"));
                    columns.add(rs.getString("COLUMN_NAME"));
                    if ("proc.name".equals(rs.getString("COLUMN_NAME"))) {
                        procNameType = rs.getString("TYPE_NAME");
                        assertEquals(Types.VARCHAR, rs.getInt("DATA_TYPE"));
                    }
                }
            }
            assertTrue(columns.contains("proc.name"), () -> "columns: " + columns);
            assertTrue(columns.contains("evt.num"), () -> "columns: " + columns);
            assertNotNull(procNameType);
            List<String> types = new ArrayList<>();
            try (ResultSet rs = md.getTableTypes()) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
            assertFalse(types.isEmpty());
        }
    }

    @Test
    void aWriteIsRefusedInOneLine() throws Exception {
        try (Connection c = flight(server, null, null);
                Statement s = c.createStatement()) {
            for (String write : List.of(
                    "INSERT INTO events (evt.num) VALUES (1)", "UPDATE events SET evt.num = 1", "DELETE FROM events")) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(write), write);
                String m = message(e);
                assertTrue(m.contains("sysql serve is read-only"), () -> write + ": " + m);
            }
            // sysql's parser has no DDL: the engine's own one-line refusal, as over Avatica
            SQLException ddl = assertThrows(SQLException.class, () -> s.execute("CREATE TABLE x (a INT)"));
            assertFalse(ddl.getMessage().contains("\n"), ddl::getMessage);
            assertTrue(ddl.getMessage().contains("CREATE"), ddl::getMessage);
        }
        assertEquals(0, server.flightSqlStatements());
    }

    /** The server's words in the driver's exception (its own prefix aside), one line. */
    static String message(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            int at = m.indexOf("sysql serve");
            if (at < 0) {
                at = m.indexOf("wrong user");
            }
            if (at < 0) {
                at = m.indexOf("has none of the roles");
            }
            if (at >= 0) {
                String line = m.substring(at);
                assertFalse(line.contains("\n"), () -> "more than one line: " + line);
                assertFalse(line.contains("\tat "), () -> "a stack trace: " + line);
                return m;
            }
        }
        return String.valueOf(e.getMessage());
    }

    @Test
    void withBasicAuthTheUserWithTheRoleGetsInAndOthersDoNot() throws Exception {
        Path users = dir.resolve("users.properties");
        Files.writeString(users, "alice: s3cret,sysql\nbob: pw,other\n");
        SysqlServer.Options o =
                TestServers.basicAuth(users, ServerLimits.defaults(), engine).withFlightSql(0);
        try (SysqlServer s = SysqlServer.start(o)) {
            try (Connection c = flight(s, "alice", "s3cret");
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM events")) {
                assertTrue(rs.next());
                assertTrue(rs.getLong(1) > 0);
            }
            SQLException wrong = assertThrows(SQLException.class, () -> query(s, "alice", "nope"));
            String w = message(wrong);
            assertTrue(w.contains("wrong user name or password"), () -> "wrong password: " + w);
            SQLException noRole = assertThrows(SQLException.class, () -> query(s, "bob", "pw"));
            String r = message(noRole);
            assertTrue(r.contains("has none of the roles"), () -> "no role: " + r);
            assertThrows(SQLException.class, () -> query(s, null, null), "no credentials");
            assertEquals(0, s.flightSqlStatements());
        }
    }

    static void query(SysqlServer s, String user, String password) throws SQLException {
        try (Connection c = flight(s, user, password);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM events")) {
            rs.next();
        }
    }

    @Test
    void flightSqlRefusesDigestInOneLine() throws Exception {
        Path users = dir.resolve("digest-users.properties");
        Files.writeString(users, "alice: s3cret,sysql\n");
        SysqlServer.Options digest = new SysqlServer.Options(
                        "127.0.0.1",
                        0,
                        SysqlServer.Auth.DIGEST,
                        users,
                        List.of("sysql"),
                        null,
                        null,
                        false,
                        ServerLimits.defaults(),
                        engine)
                .withFlightSql(0);
        SysqlServer.ServeException e = assertThrows(SysqlServer.ServeException.class, () -> SysqlServer.start(digest));
        assertTrue(e.getMessage().startsWith("--flight-sql checks passwords as --auth basic"), e::getMessage);
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void theServersTimeLimitAndPerUserLimitsApply() throws Exception {
        // queries may run 2 s; a user may hold 2 connections, so 2 Flight SQL statements
        ServerLimits limits = new ServerLimits(16, 64, 1000, 1 << 20, 30, 600, 2).withUsers(256, 2, 32);
        try (SysqlServer s =
                        SysqlServer.start(TestServers.loopback(limits, engine).withFlightSql(0));
                Connection c = flight(s, null, null)) {
            long start = System.nanoTime();
            SQLException slow = assertThrows(SQLException.class, () -> {
                try (Statement st = c.createStatement();
                        ResultSet rs =
                                st.executeQuery("SELECT COUNT(*) FROM fields, fields f2, fields f3, fields f4")) {
                    rs.next();
                }
            });
            String m = deepMessage(slow);
            assertTrue(m.contains("ran longer than its time limit of 2 s"), m);
            assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 30);
            List<java.sql.PreparedStatement> held = new ArrayList<>();
            try {
                held.add(c.prepareStatement("SELECT COUNT(*) FROM events"));
                held.add(c.prepareStatement("SELECT COUNT(*) FROM events"));
                SQLException third = assertThrows(SQLException.class, () -> held.add(c.prepareStatement("SELECT 1")));
                String t = deepMessage(third);
                assertTrue(t.contains("the limit per user"), t);
            } finally {
                for (java.sql.PreparedStatement ps : held) {
                    ps.close();
                }
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM events")) {
                assertTrue(rs.next(), "closing the statements gave their places back");
            }
            assertEquals(0, s.flightSqlStatements());
        }
    }

    /** Every message of {@code e} and its causes, one per line. */
    static String deepMessage(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void aOneShotQueryOfFlightSqlsOwnClientAndAnotherUsersTicketIsNoSuchStatement() throws Exception {
        Path users = dir.resolve("two-users.properties");
        Files.writeString(users, "alice: s3cret,sysql\ncarol: pw2,sysql\n");
        SysqlServer.Options o =
                TestServers.basicAuth(users, ServerLimits.defaults(), engine).withFlightSql(0);
        try (SysqlServer s = SysqlServer.start(o);
                org.apache.arrow.memory.BufferAllocator allocator = new org.apache.arrow.memory.RootAllocator()) {
            org.apache.arrow.flight.Location where =
                    org.apache.arrow.flight.Location.forGrpcInsecure("127.0.0.1", s.flightSqlPort());
            org.apache.arrow.flight.FlightClient alice = org.apache.arrow.flight.FlightClient.builder(allocator, where)
                    .build();
            org.apache.arrow.flight.FlightClient carol = org.apache.arrow.flight.FlightClient.builder(allocator, where)
                    .build();
            try {
                oneShotAndAnotherUsersTicket(s, alice, carol);
            } finally {
                alice.close();
                carol.close();
            }
        }
    }

    private static void oneShotAndAnotherUsersTicket(
            SysqlServer s, org.apache.arrow.flight.FlightClient alice, org.apache.arrow.flight.FlightClient carol)
            throws Exception {
        {
            var aliceToken = alice.authenticateBasicToken("alice", "s3cret").orElseThrow();
            var carolToken = carol.authenticateBasicToken("carol", "pw2").orElseThrow();
            org.apache.arrow.flight.sql.FlightSqlClient asAlice =
                    new org.apache.arrow.flight.sql.FlightSqlClient(alice);
            org.apache.arrow.flight.sql.FlightSqlClient asCarol =
                    new org.apache.arrow.flight.sql.FlightSqlClient(carol);
            org.apache.arrow.flight.FlightInfo info =
                    asAlice.execute("SELECT evt.num, proc.name FROM events ORDER BY evt.num LIMIT 20000", aliceToken);
            assertEquals(
                    new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true),
                    info.getSchemaOptional().orElseThrow().getFields().get(0).getType());
            org.apache.arrow.flight.Ticket ticket = info.getEndpoints().get(0).getTicket();
            // another user's ticket names no statement of theirs
            org.apache.arrow.flight.FlightStream stolen = asCarol.getStream(ticket, carolToken);
            try {
                org.apache.arrow.flight.FlightRuntimeException e =
                        assertThrows(org.apache.arrow.flight.FlightRuntimeException.class, stolen::next);
                assertEquals(
                        org.apache.arrow.flight.FlightStatusCode.NOT_FOUND,
                        e.status().code());
            } finally {
                closeQuietly(stolen);
            }
            long rows = 0;
            int batches = 0;
            org.apache.arrow.flight.FlightStream stream = asAlice.getStream(ticket, aliceToken);
            try {
                while (stream.next()) {
                    int n = stream.getRoot().getRowCount();
                    assertTrue(n <= ArrowRows.MAX_BATCH_ROWS, n + " rows in a batch");
                    rows += n;
                    batches++;
                }
            } finally {
                closeQuietly(stream);
            }
            long want;
            try (Connection c = DriverManager.getConnection("jdbc:sysql:", engine);
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM (SELECT evt.num FROM events LIMIT 20000)")) {
                rs.next();
                want = rs.getLong(1);
            }
            assertEquals(want, rows);
            assertTrue(batches >= 1);
            // a one-shot statement closes with its stream
            awaitNoStatements(s);
            assertEquals(0, s.openResultSets());
        }
    }

    @Test
    void aOneShotQueryNeverFetchedIsClosedAfterTheIdleTime() throws Exception {
        ServerLimits limits = new ServerLimits(16, 64, 1000, 1 << 20, 1, 600, 300);
        try (SysqlServer s =
                        SysqlServer.start(TestServers.loopback(limits, engine).withFlightSql(0));
                org.apache.arrow.memory.BufferAllocator allocator = new org.apache.arrow.memory.RootAllocator()) {
            org.apache.arrow.flight.FlightClient client = org.apache.arrow.flight.FlightClient.builder(
                            allocator, org.apache.arrow.flight.Location.forGrpcInsecure("127.0.0.1", s.flightSqlPort()))
                    .build();
            try {
                org.apache.arrow.flight.sql.FlightSqlClient sql =
                        new org.apache.arrow.flight.sql.FlightSqlClient(client);
                sql.execute("SELECT COUNT(*) FROM events");
                assertEquals(1, s.flightSqlStatements());
                Thread.sleep(2_500); // past the 1-s idle time
                org.apache.arrow.flight.FlightInfo next = sql.execute("SELECT COUNT(*) FROM events");
                assertEquals(1, s.flightSqlStatements(), "the abandoned one-shot statement is still open");
                org.apache.arrow.flight.FlightStream stream =
                        sql.getStream(next.getEndpoints().get(0).getTicket());
                try {
                    assertTrue(stream.next());
                    assertEquals(1, stream.getRoot().getRowCount());
                } finally {
                    closeQuietly(stream);
                }
                awaitNoStatements(s);
            } finally {
                client.close();
            }
        }
    }

    @Test
    void withATlsKeystoreFlightSqlIsServedOverTlsAndPlainConnectionsFail() throws Exception {
        Path ks = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "sysql",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        ks.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .inheritIO()
                .start();
        assertEquals(0, keytool.waitFor());
        // the client's trust store: the server's certificate alone
        Path cert = dir.resolve("server.pem");
        Path trust = dir.resolve("trust.p12");
        String keytoolPath =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        assertEquals(
                0,
                new ProcessBuilder(
                                keytoolPath,
                                "-exportcert",
                                "-rfc",
                                "-alias",
                                "sysql",
                                "-keystore",
                                ks.toString(),
                                "-storepass",
                                "changeit",
                                "-file",
                                cert.toString())
                        .inheritIO()
                        .start()
                        .waitFor());
        assertEquals(
                0,
                new ProcessBuilder(
                                keytoolPath,
                                "-importcert",
                                "-noprompt",
                                "-alias",
                                "sysql",
                                "-file",
                                cert.toString(),
                                "-storetype",
                                "PKCS12",
                                "-keystore",
                                trust.toString(),
                                "-storepass",
                                "changeit")
                        .inheritIO()
                        .start()
                        .waitFor());
        SysqlServer.Options o = new SysqlServer.Options(
                        "127.0.0.1",
                        0,
                        SysqlServer.Auth.NONE,
                        null,
                        List.of(),
                        ks,
                        "changeit",
                        false,
                        ServerLimits.defaults(),
                        engine)
                .withFlightSql(0);
        try (SysqlServer s = SysqlServer.start(o)) {
            assertTrue(s.flightSqlUrl().endsWith("?useEncryption=true"), s.flightSqlUrl());
            String url = s.flightSqlUrl() + "&useSystemTrustStore=false&trustStore=" + trust
                    + "&trustStorePassword=changeit";
            try (Connection c = DriverManager.getConnection(url);
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM events")) {
                assertTrue(rs.next());
                assertTrue(rs.getLong(1) > 0);
            }
            String plain = s.flightSqlUrl().replace("useEncryption=true", "useEncryption=false");
            assertThrows(SQLException.class, () -> {
                try (Connection c = DriverManager.getConnection(plain);
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM events")) {
                    rs.next();
                }
            });
        }
    }

    /** Waits until the server holds no Flight SQL statement (a stream's end reaches the client before its close). */
    static void awaitNoStatements(SysqlServer s) throws Exception {
        sysql.testing.Await.until(
                () -> s.flightSqlStatements() == 0,
                java.time.Duration.ofSeconds(10),
                () -> s.flightSqlStatements() + " Flight SQL statements still open");
    }

    private static void closeQuietly(org.apache.arrow.flight.FlightStream stream) throws InterruptedException {
        try {
            stream.close();
        } catch (RuntimeException e) {
            // a failed stream's close
        } catch (Exception e) {
            if (e instanceof InterruptedException i) {
                throw i;
            }
        }
    }
}
