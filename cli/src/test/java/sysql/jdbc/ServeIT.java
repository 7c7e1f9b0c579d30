// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Calendar;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sysql.cli.Sysql;
import sysql.server.ServerLimits;
import sysql.server.SysqlServer;
import sysql.server.TestServers;
import sysql.testing.Await;
import sysql.testing.RequiresBpf;
import sysql.testing.TestData;

/**
 * {@code sysql serve} answers remote JDBC (Avatica's own driver, protobuf and JSON, and
 * sysql's) exactly as the embedded driver does; authentication and roles give 401/403; a non-loopback address
 * needs authentication; TLS works and plain HTTP to it does not; a remote stream gets rows as they happen, and
 * cancelling it, or killing its client, frees the capture subscription on the server; limits and read-only
 * refusals are one-line errors; metadata answers as a BI tool expects. Needs root (the live capture).
 */
@RequiresBpf
@Timeout(value = 120, unit = TimeUnit.SECONDS) // a hung request fails the test, it does not hang the suite
class ServeIT {
    static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    static final int IDLE_SECONDS = 3;
    static SysqlServer open;
    static SysqlServer secured;
    static Connection embedded;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        LiveSqlIT.driverAndWorkload();
        Class.forName(RemoteDriver.class.getName());
        Class.forName("org.apache.calcite.avatica.remote.Driver");
        ServerLimits limits = new ServerLimits(4, 64, 1000, 1 << 20, IDLE_SECONDS, 600);
        Properties readsFiles = new Properties();
        readsFiles.setProperty("scapFile", "on"); // any path, as embedded: the tests compare over files
        open = SysqlServer.start(TestServers.loopback(limits, readsFiles));
        Path users = dir.resolve("users.properties");
        String md5 = HexFormat.of()
                .formatHex(MessageDigest.getInstance("MD5").digest("carolpw".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(users, "alice: secret,sysql\nbob: bobpw,guest\ncarol: MD5:" + md5 + ",sysql\n");
        secured = SysqlServer.start(TestServers.basicAuth(users, limits, new Properties()));
        embedded = DriverManager.getConnection("jdbc:sysql:");
    }

    @AfterAll
    static void stop() throws Exception {
        if (embedded != null) {
            embedded.close();
        }
        for (SysqlServer s : new SysqlServer[] {open, secured}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static String avatica(SysqlServer s, String serialization) {
        return "jdbc:avatica:remote:url=" + s.url() + ";serialization=" + serialization;
    }

    static Path file(String name) {
        return TestData.scap(name).toAbsolutePath().normalize();
    }

    /** A result as text: labels, then each row, timestamps as UTC milliseconds. */
    static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            StringBuilder labels = new StringBuilder();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                labels.append(md.getColumnLabel(i))
                        .append(':')
                        .append(md.getColumnType(i))
                        .append(' ');
            }
            out.add(labels.toString());
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = md.getColumnType(i) == Types.TIMESTAMP
                            ? (rs.getTimestamp(i, UTC) == null
                                    ? null
                                    : rs.getTimestamp(i, UTC).getTime())
                            : rs.getObject(i);
                    row.append(v).append('|');
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    @Test
    void remoteResultsEqualEmbeddedOnes() throws Exception {
        String f = file("falco_cat_write.scap").toString();
        String g = file("bencer_example4_example4-1.scap").toString();
        List<String> queries = List.of(
                "SELECT evt.num, evt.time, evt.type, evt.dir, proc.name, fd.name, evt.res FROM scap_file('" + f + "') "
                        + "WHERE evt.type IN ('openat', 'write', 'close') ORDER BY evt.num",
                "SELECT proc.name, evt.type, COUNT(*) AS n, SUM(evt.buflen) AS bytes, AVG(CAST(evt.cpu AS DOUBLE)) AS cpu "
                        + "FROM scap_file('" + g
                        + "') GROUP BY proc.name, evt.type ORDER BY n DESC, proc.name, evt.type",
                "SELECT a.proc.name, a.fd.name, COUNT(*) AS n FROM scap_file('" + g + "') a JOIN (SELECT DISTINCT "
                        + "proc.pid FROM scap_file('" + g
                        + "') WHERE evt.type = 'execve') b ON a.proc.pid = b.proc.pid "
                        + "WHERE a.fd.name IS NOT NULL GROUP BY a.proc.name, a.fd.name ORDER BY n DESC, 1, 2 LIMIT 40",
                "SELECT name, class, type FROM fields ORDER BY name",
                "SELECT name, direction, category, params FROM event_types ORDER BY name, direction",
                "SELECT user.name FROM users WHERE user.uid = 0",
                "VALUES (1, 'a', TIMESTAMP '2026-12-01 10:00:00.123', CAST(NULL AS VARCHAR))");
        try (Connection protobuf = DriverManager.getConnection(avatica(open, "PROTOBUF"));
                Connection json = DriverManager.getConnection(avatica(open, "JSON"));
                Connection sysql = DriverManager.getConnection(RemoteDriver.PREFIX + "url=" + open.url())) {
            for (String q : queries) {
                List<String> want = rows(embedded, q);
                assertTrue(want.size() > 1, "no rows for " + q);
                assertEquals(want, rows(protobuf, q), "protobuf: " + q);
                assertEquals(want, rows(json, q), "JSON: " + q);
                assertEquals(want, rows(sysql, q), "jdbc:sysql:remote: " + q);
            }
        }
    }

    @Test
    void metadataAnswersAsABiToolExpects() throws Exception {
        try (Connection c = DriverManager.getConnection(avatica(open, "PROTOBUF"))) {
            DatabaseMetaData md = c.getMetaData();
            List<String> schemas = new ArrayList<>();
            try (ResultSet rs = md.getSchemas()) {
                while (rs.next()) {
                    schemas.add(rs.getString("TABLE_SCHEM"));
                }
            }
            assertTrue(schemas.contains("sysql"), schemas.toString());
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, "sysql", "%", null)) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertTrue(
                    tables.containsAll(List.of(
                            "events", "processes", "fds", "connections", "fields", "event_types", "capture_stats")),
                    tables.toString());
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = md.getColumns(null, "sysql", "events", "evt.%")) {
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME"));
                }
            }
            assertTrue(columns.stream().anyMatch(s -> s.startsWith("evt.type:")), columns.toString());
            assertTrue(columns.stream().anyMatch(s -> s.startsWith("evt.time:TIMESTAMP")), columns.toString());
            int types = 0;
            try (ResultSet rs = md.getTypeInfo()) {
                while (rs.next()) {
                    types++;
                }
            }
            assertTrue(types > 5, "getTypeInfo: " + types + " types");
        }
    }

    static HttpResponse<String> post(SysqlServer s, String json, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url()))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            b.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(authorization.getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static final String OPEN = "{\"request\":\"openConnection\",\"connectionId\":\"c-%s\"}";

    /**
     * A JSON client's refused statement is a one-line error without a stack trace. (The README's curl session
     * itself, with the real curl against {@code sysql serve}, is integration-tests' ReadmeIT.)
     */
    @Test
    void aJsonClientsErrorIsOneLineWithoutAStackTrace() throws Exception {
        assertEquals(200, post(open, OPEN.formatted("json"), null).statusCode());
        String created = post(open, "{\"request\":\"createStatement\",\"connectionId\":\"c-json\"}", null)
                .body();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"statementId\":(\\d+)").matcher(created);
        assertTrue(m.find(), created);
        String execute = "{\"request\":\"prepareAndExecute\",\"connectionId\":\"c-json\",\"statementId\":" + m.group(1)
                + ",\"maxRowCount\":-1,\"maxRowsInFirstFrame\":100,\"sql\":\"%s\"}";
        HttpResponse<String> refused = post(open, execute.formatted("DELETE FROM users"), null);
        assertTrue(refused.body().contains("\"errorMessage\":\"sysql serve is read-only"), refused.body());
        assertFalse(refused.body().contains("\\tat "), "a stack trace went to the client: " + refused.body());
        assertEquals(
                200,
                post(open, "{\"request\":\"closeConnection\",\"connectionId\":\"c-json\"}", null)
                        .statusCode());
    }

    @Test
    void authenticationAndRolesAreChecked() throws Exception {
        assertEquals(401, post(secured, OPEN.formatted("none"), null).statusCode(), "no credentials");
        assertEquals(401, post(secured, OPEN.formatted("wrong"), "alice:nope").statusCode(), "wrong password");
        assertEquals(403, post(secured, OPEN.formatted("bob"), "bob:bobpw").statusCode(), "a role not allowed");
        assertEquals(200, post(secured, OPEN.formatted("alice"), "alice:secret").statusCode(), "alice");
        assertEquals(
                200, post(secured, OPEN.formatted("carol"), "carol:carolpw").statusCode(), "MD5: password");
        // Through JDBC: the one-line errors, and the query with the right password.
        Properties p = new Properties();
        p.setProperty("user", "alice");
        p.setProperty("password", "nope");
        SQLException e = assertThrows(
                SQLException.class, () -> DriverManager.getConnection(RemoteDriver.PREFIX + "url=" + secured.url(), p));
        assertTrue(e.getMessage().contains("401"), e.getMessage());
        p.setProperty("user", "bob");
        p.setProperty("password", "bobpw");
        e = assertThrows(
                SQLException.class, () -> DriverManager.getConnection(RemoteDriver.PREFIX + "url=" + secured.url(), p));
        assertTrue(e.getMessage().contains("403"), e.getMessage());
        p.setProperty("user", "alice");
        p.setProperty("password", "secret");
        try (Connection c = DriverManager.getConnection(RemoteDriver.PREFIX + "url=" + secured.url(), p)) {
            assertEquals(List.of("EXPR$0:4 ", "1|"), rows(c, "VALUES 1"));
            // a server opens no path for its clients unless it was told where (--scap-dir)
            SQLException files = assertThrows(
                    SQLException.class,
                    () -> rows(c, "SELECT COUNT(*) FROM scap_file('" + file("falco_cat_write.scap") + "')"));
            assertTrue(files.getMessage().startsWith("scap_file is off for clients of a server"), files.getMessage());
        }
    }

    @Test
    void digestAuthenticationWorksWithTheSameUsers() throws Exception {
        Path users = dir.resolve("digest-users.properties");
        Files.writeString(users, "dave: davepw,sysql\n");
        try (SysqlServer digest = SysqlServer.start(new SysqlServer.Options(
                "127.0.0.1",
                0,
                SysqlServer.Auth.DIGEST,
                users,
                List.of("sysql"),
                null,
                null,
                false,
                ServerLimits.defaults(),
                new Properties()))) {
            Properties p = new Properties();
            p.setProperty("user", "dave");
            p.setProperty("password", "davepw");
            p.setProperty("authentication", "DIGEST");
            try (Connection c = DriverManager.getConnection(RemoteDriver.PREFIX + "url=" + digest.url(), p)) {
                assertEquals(List.of("EXPR$0:4 ", "2|"), rows(c, "VALUES 2"));
            }
            p.setProperty("password", "wrong");
            assertThrows(
                    SQLException.class,
                    () -> DriverManager.getConnection(RemoteDriver.PREFIX + "url=" + digest.url(), p));
            assertEquals(401, post(digest, OPEN.formatted("x"), null).statusCode());
        }
    }

    @Test
    void aNonLoopbackAddressNeedsAuthenticationOrInsecure() throws Exception {
        SysqlServer.ServeException e = assertThrows(
                SysqlServer.ServeException.class,
                () -> SysqlServer.start(new SysqlServer.Options(
                        "0.0.0.0",
                        0,
                        SysqlServer.Auth.NONE,
                        null,
                        List.of(),
                        null,
                        null,
                        false,
                        ServerLimits.defaults(),
                        new Properties())));
        assertTrue(
                e.getMessage().contains("without authentication")
                        && e.getMessage().contains("--auth basic"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        // The command says so and exits 1 before opening anything.
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Sysql.run("serve", "--bind", "0.0.0.0", "--port", "0");
        } finally {
            System.setErr(err);
        }
        assertEquals(1, code);
        assertTrue(
                captured.toString(StandardCharsets.UTF_8).startsWith("sysql serve: refusing"),
                captured.toString(StandardCharsets.UTF_8));
        try (SysqlServer s = SysqlServer.start(new SysqlServer.Options(
                "0.0.0.0",
                0,
                SysqlServer.Auth.NONE,
                null,
                List.of(),
                null,
                null,
                true,
                ServerLimits.defaults(),
                new Properties()))) {
            assertEquals(200, post(s, OPEN.formatted("insecure"), null).statusCode());
        }
    }

    @Test
    void tlsWorksAndPlainHttpToItFails() throws Exception {
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
        try (SysqlServer tls = SysqlServer.start(new SysqlServer.Options(
                "127.0.0.1",
                0,
                SysqlServer.Auth.NONE,
                null,
                List.of(),
                ks,
                "changeit",
                false,
                ServerLimits.defaults(),
                new Properties()))) {
            assertTrue(tls.url().startsWith("https://"), tls.url());
            try (Connection c = DriverManager.getConnection(
                    RemoteDriver.PREFIX + "url=" + tls.url() + ";truststore=" + ks + ";truststore_password=changeit")) {
                assertEquals(List.of("EXPR$0:4 ", "3|"), rows(c, "VALUES 3"));
            }
            String plain = tls.url().replace("https://", "http://");
            boolean refused;
            try {
                HttpResponse<String> r = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(plain))
                                        .timeout(java.time.Duration.ofSeconds(10))
                                        .POST(HttpRequest.BodyPublishers.ofString(OPEN.formatted("p")))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                refused = r.statusCode() != 200;
            } catch (IOException ex) {
                refused = true;
            }
            assertTrue(refused, "plain HTTP to the TLS port was answered");
            // Avatica's own client retries that forever; sysql's says what is wrong
            SQLException e = assertThrows(
                    SQLException.class, () -> DriverManager.getConnection(RemoteDriver.PREFIX + "url=" + plain));
            assertTrue(
                    e.getMessage()
                            .contains("closed the connection without answering (is it a TLS server? then "
                                    + "write https://)"),
                    e.getMessage());
        }
    }

    static long subscriptions() throws SQLException {
        return LiveSqlIT.scalar(embedded, "SELECT subscriptions FROM capture_stats WHERE cpu IS NULL");
    }

    static void awaitSubscriptions(long n, long withinMillis, String what) throws Exception {
        try {
            Await.until(() -> subscriptions() == n, java.time.Duration.ofMillis(withinMillis), what);
        } catch (AssertionError e) {
            System.out.println(rows(embedded, "SELECT * FROM capture_subscriptions"));
            System.out.println("result sets read by the open server: " + open.openResultSets());
            // what the server's threads are doing, for whoever reads the failure
            Thread.getAllStackTraces().forEach((t, stack) -> {
                if (t.getName().startsWith("sysql") || t.getName().startsWith("qtp")) {
                    System.out.println("\"" + t.getName() + "\" " + t.getState());
                    for (StackTraceElement f : stack) {
                        System.out.println("    at " + f);
                    }
                }
            });
            throw e;
        }
    }

    static final String STREAM = "SELECT STREAM evt.type, proc.name, fd.name FROM events WHERE evt.type = 'openat' "
            + "AND evt.dir = '<' AND proc.name = '" + LiveSqlIT.COMM + "'";

    /** Reads STREAM over {@code url} on a thread, recording each row's arrival. */
    static Thread reader(Connection c, Statement[] holder, List<Long> arrivals, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                Statement st = c.createStatement();
                holder[0] = st;
                try (ResultSet rs = st.executeQuery(STREAM)) {
                    while (rs.next()) {
                        assertEquals("/etc/hostname", rs.getString(3));
                        arrivals.add(System.currentTimeMillis());
                    }
                }
            } catch (SQLException e) {
                if (!LiveSqlIT.isCancellation(e)) {
                    failure.set(e);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        return t;
    }

    @Test
    void aRemoteStreamGetsRowsAsTheyHappenAndCancellingFreesTheServer() throws Exception {
        awaitSubscriptions(0, 30_000, "no stream before the test");
        for (String url : List.of(avatica(open, "PROTOBUF"), RemoteDriver.PREFIX + "url=" + open.url())) {
            try (Connection c = DriverManager.getConnection(url)) {
                List<Long> arrivals = new CopyOnWriteArrayList<>();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Statement[] st = new Statement[1];
                Thread t = reader(c, st, arrivals, failure);
                awaitSubscriptions(1, 30_000, "the remote stream subscribes");
                // 10 openat a second for 3 s: rows must come while the child runs, not all at its end.
                long started = System.currentTimeMillis();
                Process child = LiveSqlIT.workload("-r", "10", "-o", "30", "/etc/hostname");
                assertEquals(0, child.waitFor());
                long ended = System.currentTimeMillis();
                Await.until(
                        () -> arrivals.size() >= 29 || failure.get() != null,
                        java.time.Duration.ofSeconds(30),
                        () -> url + ": " + arrivals.size() + " rows of 30");
                assertTrue(arrivals.size() >= 29, url + ": " + arrivals.size() + " rows of 30 (" + failure.get() + ")");
                long duringRun = arrivals.stream().filter(a -> a < ended).count();
                assertTrue(
                        duringRun >= 10,
                        url + ": only " + duringRun + " rows arrived while the child ran (" + (ended - started)
                                + " ms)");
                int reading = open.openResultSets();
                assertTrue(reading >= 1, url + ": the server reads no result set");
                long cancelled = System.currentTimeMillis();
                st[0].cancel();
                if (url.startsWith(RemoteDriver.PREFIX)) {
                    // sysql's cancel closes the statement on the server before it returns: not at the idle timeout
                    assertEquals(
                            reading - 1,
                            open.openResultSets(),
                            "sysql's driver: the server still reads the " + "cancelled stream after cancel() returned");
                }
                Process more = null;
                if (!url.startsWith(RemoteDriver.PREFIX)) {
                    // Avatica's own driver has no remote cancel: it sets a flag its result set looks at when the
                    // next row comes, and stops fetching then; the server frees the query once it has gone
                    // unfetched for its idle timeout. So rows must come. sysql's driver closes it there at once.
                    more = LiveSqlIT.workload("-r", "10", "-o", "100", "/etc/hostname");
                }
                awaitSubscriptions(
                        0, (IDLE_SECONDS + 30) * 1000L, url + ": the server still serves the cancelled stream");
                long freedMs = System.currentTimeMillis() - cancelled;
                if (more != null) {
                    more.destroy();
                    more.waitFor();
                }
                t.join(5000);
                assertFalse(t.isAlive(), url + ": the reader did not stop");
                if (failure.get() != null) {
                    throw new AssertionError(url, failure.get());
                }
                System.out.println(url + ": the subscription was freed " + freedMs + " ms after the cancel");
            }
        }
    }

    /** A remote client in a process of its own: reads the stream, printing a line per row. */
    public static void main(String[] args) throws Exception {
        Class.forName("org.apache.calcite.avatica.remote.Driver");
        try (Connection c = DriverManager.getConnection(args[0]);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(STREAM)) {
            System.out.println("started");
            while (rs.next()) {
                System.out.println(rs.getString(1));
            }
        }
    }

    @Test
    void aKilledClientsStreamIsFreedWithinTheIdleTimeout() throws Exception {
        awaitSubscriptions(0, 30_000, "no stream before the test");
        Process client = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ServeIT.class.getName(),
                        avatica(open, "PROTOBUF"))
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
            awaitSubscriptions(1, 60_000, "the client's stream subscribes");
            Process child = LiveSqlIT.workload("-o", "5", "/etc/hostname");
            assertEquals(0, child.waitFor());
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("openat"));
            assertEquals("openat", line, "the client got no row");
            client.destroyForcibly(); // SIGKILL: no close reaches the server
            assertTrue(client.waitFor(10, TimeUnit.SECONDS));
            awaitSubscriptions(0, (IDLE_SECONDS + 30) * 1000L, "the killed client's stream is still served");
        } finally {
            client.destroyForcibly();
        }
    }

    @Test
    void limitsAndReadOnlyAreOneLineErrors() throws Exception {
        try (Connection c = DriverManager.getConnection(avatica(open, "PROTOBUF"))) {
            SQLException e;
            try (Statement s = c.createStatement()) {
                e = assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO users (name) VALUES ('x')"));
                assertTrue(e.getMessage().contains("read-only"), e.getMessage());
                e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT proc.nme FROM events"));
                assertTrue(e.getMessage().contains("did you mean proc.name"), e.getMessage());
                assertEquals(1, e.getMessage().lines().count(), e.getMessage());
                // a fleet query would make the server connect out and run Flink: refused, though this server lets
                // its clients read any file (scapFile=on)
                e = assertThrows(
                        SQLException.class,
                        () -> s.executeQuery("SELECT STREAM * FROM TABLE(fleet('127.0.0.1:1',"
                                + " 'SELECT STREAM proc.name FROM events'))"));
                assertTrue(e.getMessage().contains("fleet is off for clients of a server"), e.getMessage());
                assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            }
            List<Statement> statements = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                statements.add(c.createStatement());
            }
            // Avatica's driver throws its own RuntimeException out of createStatement, whatever the server said
            Exception limit = assertThrows(Exception.class, c::createStatement);
            assertTrue(limit.getMessage().contains("limit per connection"), limit.getMessage());
            assertEquals(1, limit.getMessage().lines().count(), limit.getMessage());
            for (Statement s : statements) {
                s.close();
            }
            assertEquals(List.of("EXPR$0:4 ", "4|"), rows(c, "VALUES 4"));
        }
        try (Connection c = DriverManager.getConnection(RemoteDriver.PREFIX + "url=" + open.url())) {
            SQLException e =
                    assertThrows(SQLException.class, () -> c.createStatement().executeQuery("SELEC 1"));
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertTrue(e.getMessage().startsWith("Syntax error"), e.getMessage());
        }
    }

    @Test
    void aClientThatDoesNotReadCostsTheServerBoundedMemoryAndDropsAreCounted() throws Exception {
        awaitSubscriptions(0, 30_000, "no stream before the test");
        try (Connection c = DriverManager.getConnection(avatica(open, "PROTOBUF"))) {
            Statement st = c.createStatement();
            st.setFetchSize(1);
            // Avatica's driver returns from executeQuery with the first row: run it aside, read nothing after.
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread opener = new Thread(() -> {
                try {
                    st.executeQuery("SELECT STREAM evt.num, evt.type, fd.name FROM events WHERE proc.name = '"
                            + LiveSqlIT.COMM + "'");
                } catch (SQLException e) {
                    if (!LiveSqlIT.isCancellation(e)) {
                        failure.set(e);
                    }
                }
            });
            opener.start();
            awaitSubscriptions(1, 30_000, "the stream subscribes");
            // 150000 opens (600000 rows: openat and close, enter and exit) while the client reads nothing: the
            // server buffers at most 1000 rows, the subscription its batches (at most 64 of 4096 rows), and drops
            // the rest, counted.
            Process child = LiveSqlIT.workload("-o", "150000", "/etc/hostname");
            assertEquals(0, child.waitFor());
            Await.until(
                    () -> LiveSqlIT.scalar(embedded, "SELECT SUM(dropped_rows) FROM capture_subscriptions") > 0,
                    java.time.Duration.ofSeconds(30),
                    "no rows counted as dropped for a client that reads nothing");
            opener.join(10_000);
            assertEquals(null, failure.get());
            st.close();
        }
        awaitSubscriptions(0, (IDLE_SECONDS + 30) * 1000L, "the stream is freed once closed");
    }
}
