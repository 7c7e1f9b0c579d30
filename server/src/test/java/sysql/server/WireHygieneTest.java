// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Responses;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.TestData;

/**
 * What a client of {@code sysql serve} sees on the wire, without root (the server reads a capture file): every
 * error is one line without a stack trace or an echo of the request, in JSON and in protobuf (malformed requests,
 * an unknown request, a missing connection, a fetch after the end, Jetty's own 405); batches are refused in both
 * serializations; a REAL arrives as its value (protobuf's double field, which every client reads); nested and
 * INTERVAL columns are refused before the query runs, naming the column; UTF-8 text in the SQL, in values and in
 * parameters round-trips through Avatica's own JDBC client in both serializations.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WireHygieneTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String UTF8_TEXT = "héllo 日本 ✓ Ωμέγα";
    static SysqlServer server;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        Class.forName("sysql.jdbc.SysqlDriver");
        Class.forName("org.apache.calcite.avatica.remote.Driver");
        Properties engine = new Properties();
        engine.setProperty(
                "file",
                TestData.scap("falco_cat_write.scap")
                        .toAbsolutePath()
                        .normalize()
                        .toString());
        server = SysqlServer.start(TestServers.loopback(ServerLimits.defaults(), engine));
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<byte[]> post(byte[] body, String contentType) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(server.url()))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .header("Content-Type", contentType)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> postJson(String json) throws Exception {
        return post(json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    static HttpResponse<byte[]> postProtobuf(Service.Request request) throws Exception {
        return post(AvaticaWire.PROTOBUF.serializeRequest(request), "application/octet-stream");
    }

    /** The error message of a JSON answer, checked to be an error of one line without a stack trace. */
    static String jsonError(HttpResponse<byte[]> r, int status) throws Exception {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(status, r.statusCode(), body);
        assertFalse(body.strip().contains("\n"), "more than one line: " + body);
        noStackTrace(body);
        JsonNode tree = JSON.readTree(body);
        assertEquals("error", tree.get("response").asText(), body);
        assertEquals(0, tree.get("exceptions").size(), "stack traces went to the client: " + body);
        String message = tree.get("errorMessage").asText();
        oneLine(message);
        return message;
    }

    /** The error message of a protobuf answer, checked likewise. */
    static Service.ErrorResponse protobufError(HttpResponse<byte[]> r, int status) throws Exception {
        assertEquals(status, r.statusCode());
        noStackTrace(new String(r.body(), StandardCharsets.UTF_8));
        Service.Response response = AvaticaWire.PROTOBUF.parseResponse(r.body());
        assertTrue(response instanceof Service.ErrorResponse, String.valueOf(response));
        Service.ErrorResponse e = (Service.ErrorResponse) response;
        assertTrue(e.exceptions == null || e.exceptions.isEmpty(), "stack traces went to the client: " + e.exceptions);
        oneLine(e.errorMessage);
        return e;
    }

    static void oneLine(String message) {
        assertNotNull(message);
        assertFalse(message.isBlank());
        assertFalse(message.contains("\n") || message.contains("\r"), "more than one line: " + message);
        noStackTrace(message);
    }

    static void noStackTrace(String text) {
        for (String frame : List.of("at org.", "at java.", "at sysql.", "at com.", "\tat ", "Exception:")) {
            assertFalse(text.contains(frame), "a stack trace went to the client: " + text);
        }
    }

    static final String OPEN = "{\"request\":\"openConnection\",\"connectionId\":\"%s\"}";

    static int createStatement(String connection) throws Exception {
        HttpResponse<byte[]> r = postJson("{\"request\":\"createStatement\",\"connectionId\":\"" + connection + "\"}");
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return JSON.readTree(r.body()).get("statementId").asInt();
    }

    @Test
    void malformedJsonIsOneLineWithoutAnEchoOfTheRequest() throws Exception {
        String m = jsonError(postJson("{\"request\":\"openConnection\",\"connectionId\":\"SECRET-MARKER\""), 400);
        assertTrue(m.startsWith("malformed JSON at line 1, column "), m);
        assertFalse(m.contains("SECRET-MARKER"), m);
        m = jsonError(
                postJson("{\"request\":\"fetch\",\"connectionId\":\"x\",\"statementId\":\"SECRET-MARKER\"}"), 400);
        assertTrue(m.startsWith("malformed Avatica request"), m);
        assertFalse(m.contains("SECRET-MARKER"), m);
        m = jsonError(postJson("{}"), 400);
        assertTrue(m.contains("no \"request\" field"), m);
        m = jsonError(postJson("{\"request\": 5}"), 400);
        assertTrue(m.contains("no \"request\" field"), m);
    }

    @Test
    void malformedProtobufIsOneLine() throws Exception {
        Service.ErrorResponse e = protobufError(
                post(
                        new byte[] {8, 1, 2, 3, (byte) 0xff, 0x12, 'S', 'E', 'C', 'R', 'E', 'T'},
                        "application/x-protobuf"),
                400);
        assertTrue(e.errorMessage.startsWith("not an Avatica request: malformed protobuf"), e.errorMessage);
        assertFalse(e.errorMessage.contains("SECRET"), e.errorMessage);
        // text that is no JSON object goes to protobuf too
        e = protobufError(post("SELECT 1".getBytes(StandardCharsets.UTF_8), "text/plain"), 400);
        assertTrue(e.errorMessage.startsWith("not an Avatica request"), e.errorMessage);
    }

    @Test
    void anUnknownRequestIsOneLineInBothSerializations() throws Exception {
        // Avatica's own JSON mapping reads an unknown "request" as getSchemas
        String m = jsonError(postJson("{\"request\":\"nope\",\"connectionId\":\"x\"}"), 400);
        assertTrue(m.startsWith("unknown request \"nope\": Avatica's requests are "), m);
        byte[] wire = Common.WireMessage.newBuilder()
                .setName("org.apache.calcite.avatica.proto.Requests$NopeRequest")
                .setWrappedMessage(ByteString.copyFromUtf8("x"))
                .build()
                .toByteArray();
        Service.ErrorResponse e = protobufError(post(wire, "application/octet-stream"), 400);
        assertTrue(e.errorMessage.startsWith("not an Avatica request"), e.errorMessage);
        assertFalse(e.errorMessage.contains("Nope"), e.errorMessage);
    }

    @Test
    void aMissingConnectionIsOneLineInBothSerializations() throws Exception {
        String m = jsonError(postJson("{\"request\":\"createStatement\",\"connectionId\":\"no-such\"}"), 500);
        assertTrue(m.startsWith("no such connection"), m);
        Service.ErrorResponse e = protobufError(postProtobuf(new Service.CreateStatementRequest("no-such")), 500);
        assertTrue(e.errorMessage.startsWith("no such connection"), e.errorMessage);
        assertEquals(Service.ErrorResponse.MISSING_CONNECTION_ERROR_CODE, e.errorCode); // clients reconnect on it
        e = protobufError(postProtobuf(new Service.SchemasRequest("no-such", null, null)), 500);
        assertTrue(e.errorMessage.startsWith("no such connection"), e.errorMessage);
    }

    @Test
    void aFetchAfterTheEndIsTheEndAgain() throws Exception {
        assertEquals(200, postJson(OPEN.formatted("c-done")).statusCode());
        int id = createStatement("c-done");
        HttpResponse<byte[]> r = postJson("{\"request\":\"prepareAndExecute\",\"connectionId\":\"c-done\","
                + "\"statementId\":" + id + ",\"maxRowCount\":-1,\"maxRowsInFirstFrame\":100,\"sql\":\"VALUES 1\"}");
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(JSON.readTree(r.body()).at("/results/0/firstFrame/done").asBoolean());
        for (int i = 0; i < 2; i++) {
            r = postJson("{\"request\":\"fetch\",\"connectionId\":\"c-done\",\"statementId\":" + id
                    + ",\"offset\":1,\"fetchMaxRowCount\":100}");
            String body = new String(r.body(), StandardCharsets.UTF_8);
            assertEquals(200, r.statusCode(), body);
            assertTrue(JSON.readTree(body).at("/frame/done").asBoolean(), body);
            assertEquals(0, JSON.readTree(body).at("/frame/rows").size(), body);
        }
        // and over protobuf
        Service.Response p = AvaticaWire.PROTOBUF.parseResponse(
                postProtobuf(new Service.FetchRequest("c-done", id, 1, 100)).body());
        assertTrue(p instanceof Service.FetchResponse f && f.frame.done, String.valueOf(p));
        postJson("{\"request\":\"closeConnection\",\"connectionId\":\"c-done\"}");
    }

    @Test
    void batchesAreRefusedInBothSerializations() throws Exception {
        assertEquals(200, postJson(OPEN.formatted("c-batch")).statusCode());
        int id = createStatement("c-batch");
        String m = jsonError(
                postJson("{\"request\":\"executeBatch\",\"connectionId\":\"c-batch\",\"statementId\":" + id
                        + ",\"parameterValues\":[[]]}"),
                500);
        assertEquals(AvaticaWire.BATCH_REFUSAL, m);
        m = jsonError(
                postJson("{\"request\":\"prepareAndExecuteBatch\",\"connectionId\":\"c-batch\",\"statementId\":" + id
                        + ",\"sqlCommands\":[\"VALUES 1\",\"VALUES 2\"]}"),
                500);
        assertEquals(AvaticaWire.BATCH_REFUSAL, m);
        Service.ErrorResponse e = protobufError(
                postProtobuf(new Service.ExecuteBatchRequest("c-batch", id, List.of(List.of(), List.of()))), 500);
        assertEquals(AvaticaWire.BATCH_REFUSAL, e.errorMessage);
        e = protobufError(
                postProtobuf(new Service.PrepareAndExecuteBatchRequest("c-batch", id, List.of("VALUES 1", "VALUES 2"))),
                500);
        assertEquals(AvaticaWire.BATCH_REFUSAL, e.errorMessage);
        // through Avatica's JDBC client too
        for (String serialization : List.of("json", "protobuf")) {
            try (Connection c = avatica(serialization);
                    Statement st = c.createStatement()) {
                st.addBatch("VALUES 1");
                st.addBatch("VALUES 2");
                // Avatica's client throws its unchecked exception here
                Exception x = assertThrows(Exception.class, st::executeBatch, serialization);
                assertTrue(messages(x).contains(AvaticaWire.BATCH_REFUSAL), messages(x));
            }
        }
        postJson("{\"request\":\"closeConnection\",\"connectionId\":\"c-batch\"}");
    }

    @Test
    void jettysOwnErrorsAreOneLineOfText() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(server.url())).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals(
                "HTTP 405: POST Avatica requests (JSON or protobuf)", r.body().strip());
        noStackTrace(r.body());
    }

    /** The messages of {@code e} and its causes. */
    static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append(" / ");
        }
        return sb.toString();
    }

    static Connection avatica(String serialization) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:avatica:remote:url=" + server.url() + ";serialization=" + serialization);
    }

    @Test
    void realAndUtf8TextRoundTripInBothSerializations() throws Exception {
        for (String serialization : List.of("json", "protobuf")) {
            try (Connection c = avatica(serialization);
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT CAST(1.5 AS REAL) AS r, CAST(0.1 AS REAL) AS s, '"
                            + UTF8_TEXT + "' AS u, UPPER('é') AS e FROM (VALUES 1)")) {
                assertTrue(rs.next(), serialization);
                assertEquals(1.5f, rs.getFloat("r"), serialization);
                assertEquals(1.5, rs.getDouble("r"), serialization);
                assertEquals(0.1f, rs.getFloat("s"), serialization);
                assertEquals(UTF8_TEXT, rs.getString("u"), serialization);
                assertEquals("É", rs.getString("e"), serialization);
            }
            try (Connection c = avatica(serialization);
                    PreparedStatement ps = c.prepareStatement(
                            "SELECT CAST(? AS VARCHAR) AS p, proc.name FROM processes WHERE proc.name <> ? LIMIT 1")) {
                ps.setString(1, UTF8_TEXT);
                ps.setString(2, "日本");
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next(), serialization);
                    assertEquals(UTF8_TEXT, rs.getString("p"), serialization);
                }
            }
        }
    }

    /** What clients other than Avatica's Java one read: protobuf's double field, JSON's number. */
    @Test
    void aRealIsItsValueOnTheWire() throws Exception {
        assertEquals(
                200,
                postProtobuf(new Service.OpenConnectionRequest("c-real", Map.of()))
                        .statusCode());
        int id = createStatement("c-real");
        HttpResponse<byte[]> r = postProtobuf(new Service.PrepareAndExecuteRequest(
                "c-real", id, "SELECT CAST(1.5 AS REAL) AS r FROM (VALUES 1)", -1, 100));
        assertEquals(200, r.statusCode());
        Common.WireMessage wire = Common.WireMessage.parseFrom(r.body());
        Responses.ExecuteResponse execute = Responses.ExecuteResponse.parseFrom(wire.getWrappedMessage());
        Common.TypedValue v =
                execute.getResults(0).getFirstFrame().getRows(0).getValue(0).getScalarValue();
        assertEquals(Common.Rep.DOUBLE, v.getType(), v.toString());
        assertEquals(1.5, v.getDoubleValue(), v.toString());
        String json = new String(
                postJson("{\"request\":\"prepareAndExecute\",\"connectionId\":\"c-real\",\"statementId\":" + id
                                + ",\"maxRowCount\":-1,\"maxRowsInFirstFrame\":100,"
                                + "\"sql\":\"SELECT CAST(0.1 AS REAL) AS r FROM (VALUES 1)\"}")
                        .body(),
                StandardCharsets.UTF_8);
        assertTrue(json.contains("\"rows\":[[0.1]]"), json);
        postJson("{\"request\":\"closeConnection\",\"connectionId\":\"c-real\"}");
    }

    @Test
    void nestedAndIntervalColumnsAreRefusedBeforeTheQueryRunsNamingTheColumn() throws Exception {
        Map<String, String> refused = Map.of(
                "SELECT 1 AS k, ARRAY[1, 2] AS a FROM (VALUES 1)",
                "column 2 (a) is an ARRAY",
                "SELECT MAP['x', 1] AS m FROM (VALUES 1)",
                "column 1 (m) is a MAP",
                "SELECT ROW(1, 'x') AS r FROM (VALUES 1)",
                "column 1 (r) is a ROW",
                "SELECT INTERVAL '1' DAY AS i FROM (VALUES 1)",
                "column 1 (i) is an INTERVAL",
                "SELECT MULTISET[1] AS s FROM (VALUES 1)",
                "column 1 (s) is a MULTISET");
        for (String serialization : List.of("json", "protobuf")) {
            try (Connection c = avatica(serialization)) {
                for (Map.Entry<String, String> q : refused.entrySet()) {
                    try (Statement st = c.createStatement()) {
                        SQLException e = assertThrows(SQLException.class, () -> st.executeQuery(q.getKey()));
                        assertTrue(
                                e.getMessage().contains(q.getValue() + ", which sysql serve cannot send"),
                                e.getMessage());
                        oneLine(e.getMessage());
                    }
                    // Avatica's client keeps the state of a prepare's error, not the server's message (below it is)
                    SQLException e = assertThrows(SQLException.class, () -> c.prepareStatement(q.getKey()));
                    assertEquals("0A000", e.getSQLState(), messages(e));
                }
                // a prepare's refusal names the column too
                assertEquals(200, postJson(OPEN.formatted("c-nested")).statusCode());
                String m = jsonError(
                        postJson("{\"request\":\"prepare\",\"connectionId\":\"c-nested\",\"maxRowCount\":-1,"
                                + "\"sql\":\"SELECT ROW(1, 'x') AS r FROM (VALUES 1)\"}"),
                        500);
                assertTrue(m.startsWith("column 1 (r) is a ROW, which sysql serve cannot send to a client"), m);
                postJson("{\"request\":\"closeConnection\",\"connectionId\":\"c-nested\"}");
                // the connection still answers
                try (Statement st = c.createStatement();
                        ResultSet rs =
                                st.executeQuery("SELECT CAST(INTERVAL '1' DAY AS VARCHAR) AS i FROM (VALUES 1)")) {
                    assertTrue(rs.next());
                    assertNotNull(rs.getString(1));
                    assertFalse(rs.next());
                }
            }
        }
    }

    static SysqlServer digest(Path users) throws SysqlServer.ServeException {
        Properties engine = new Properties();
        engine.setProperty(
                "file",
                TestData.scap("falco_cat_write.scap")
                        .toAbsolutePath()
                        .normalize()
                        .toString());
        return SysqlServer.start(new SysqlServer.Options(
                "127.0.0.1",
                0,
                SysqlServer.Auth.DIGEST,
                users,
                List.of("sysql"),
                null,
                null,
                false,
                ServerLimits.defaults(),
                engine));
    }

    /** Digest realm entries: plain, or MD5 of user:Avatica:password (as the README says); CRYPT refused at start. */
    @Test
    void digestTakesMd5OfUserRealmPasswordAndRefusesCrypt(@TempDir Path dir) throws Exception {
        Path users = dir.resolve("users.properties");
        String ha1 = HexFormat.of()
                .formatHex(MessageDigest.getInstance("MD5")
                        .digest(("erin:" + SysqlServer.DIGEST_REALM + ":erinpw").getBytes(StandardCharsets.UTF_8)));
        Files.writeString(users, "dave: davepw,sysql\nerin: MD5:" + ha1 + ",sysql\n");
        try (SysqlServer s = digest(users)) {
            for (String[] user : new String[][] {{"dave", "davepw"}, {"erin", "erinpw"}}) {
                try (Connection c = DriverManager.getConnection("jdbc:avatica:remote:url=" + s.url()
                                + ";serialization=protobuf;authentication=DIGEST;avatica_user=" + user[0]
                                + ";avatica_password=" + user[1]);
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("VALUES 7")) {
                    assertTrue(rs.next(), user[0]);
                    assertEquals(7, rs.getInt(1), user[0]);
                }
            }
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(s.url()))
                            .POST(HttpRequest.BodyPublishers.ofString(OPEN.formatted("x")))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode());
            assertEquals("HTTP 401: Unauthorized", r.body().strip()); // Jetty's page, in one line
        }
        Files.writeString(users, "dave: davepw,sysql\nfrank: CRYPT:adpexzg3FUZAk,sysql\n");
        SysqlServer.ServeException e = assertThrows(SysqlServer.ServeException.class, () -> digest(users));
        assertTrue(
                e.getMessage().startsWith("--auth digest cannot check the CRYPT: password of frank in "),
                e.getMessage());
        oneLine(e.getMessage());
    }

    @Test
    void aRequestHeaderOfUtf8IsReadAsUtf8() {
        String header = new String(
                ("{\"sql\":\"" + UTF8_TEXT + "\"}").getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals("{\"sql\":\"" + UTF8_TEXT + "\"}", BothSerializations.headerText(header));
        assertEquals("caf\u00e9", BothSerializations.headerText("caf\u00e9")); // Latin-1 that is no UTF-8 stays
    }
}
