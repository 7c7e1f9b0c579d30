// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sysql.server.ServerLimits;
import sysql.server.SysqlServer;
import sysql.server.TestServers;
import sysql.testing.Await;
import sysql.testing.RequiresBpf;

/**
 * Two users on one {@code sysql serve}: mallory, knowing the ids of alice's connection and streaming statement,
 * can read, run, close nothing of hers; mallory's flood of 1,000 connections and 255 statements is refused past
 * her own limits, and alice's stream goes on, and she can still open statements. Needs root (the live capture).
 */
@RequiresBpf
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServeUsersIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    /** mallory's JSON requests, with her password. */
    record Mallory(HttpClient http, String url) {
        JsonNode ask(String request) throws Exception {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header(
                                    "Authorization",
                                    "Basic "
                                            + Base64.getEncoder()
                                                    .encodeToString("mallory:mpw".getBytes(StandardCharsets.UTF_8)))
                            .POST(HttpRequest.BodyPublishers.ofString(request))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        }

        /** An error, or Avatica's "no such statement" answer to an execute (which its clients take to re-create it). */
        static boolean refused(JsonNode answer) {
            return "error".equals(answer.path("response").asText())
                    || answer.path("missingStatement").asBoolean();
        }
    }

    @Test
    void oneUserCannotTouchOrCrowdOutAnothersStream() throws Exception {
        LiveSqlIT.driverAndWorkload();
        Class.forName("org.apache.calcite.avatica.remote.Driver");
        Path users = dir.resolve("users.properties");
        Files.writeString(users, "alice: apw,sysql\nmallory: mpw,sysql\n");
        try (SysqlServer server =
                SysqlServer.start(TestServers.basicAuth(users, ServerLimits.defaults(), new Properties()))) {
            Properties alice = new Properties();
            alice.setProperty("authentication", "BASIC");
            alice.setProperty("avatica_user", "alice");
            alice.setProperty("avatica_password", "apw");
            try (Connection c = DriverManager.getConnection(
                    "jdbc:avatica:remote:url=" + server.url() + ";serialization=PROTOBUF", alice)) {
                List<Long> arrivals = new CopyOnWriteArrayList<>();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Statement[] stream = new Statement[1];
                Thread reader = ServeIT.reader(c, stream, arrivals, failure);
                Process workload = LiveSqlIT.workload("-r", "20", "-o", "1200", "/etc/hostname");
                try {
                    Await.until(() -> arrivals.size() >= 5, Duration.ofSeconds(30), "alice's stream gets rows");
                    String connection = c.unwrap(AvaticaConnection.class).id;
                    int statement = ((AvaticaStatement) stream[0]).getId();
                    Mallory m = new Mallory(HttpClient.newHttpClient(), server.url());

                    // alice's connection and statement, by their ids: as if they did not exist
                    JsonNode create =
                            m.ask("{\"request\":\"createStatement\",\"connectionId\":\"" + connection + "\"}");
                    assertTrue(Mallory.refused(create), create::toString);
                    JsonNode run = m.ask("{\"request\":\"prepareAndExecute\",\"connectionId\":\"" + connection
                            + "\",\"statementId\":" + statement + ",\"sql\":\"SELECT 1\",\"maxRowCount\":-1}");
                    assertTrue(Mallory.refused(run), run::toString);
                    JsonNode fetch = m.ask("{\"request\":\"fetch\",\"connectionId\":\"" + connection
                            + "\",\"statementId\":" + statement + ",\"offset\":0,\"fetchMaxRowCount\":10}");
                    assertTrue(Mallory.refused(fetch), fetch::toString);
                    m.ask("{\"request\":\"closeStatement\",\"connectionId\":\"" + connection + "\",\"statementId\":"
                            + statement + "}");
                    m.ask("{\"request\":\"closeConnection\",\"connectionId\":\"" + connection + "\"}");
                    // her own connection, naming alice's statement: nothing either
                    assertTrue(!Mallory.refused(m.ask("{\"request\":\"openConnection\",\"connectionId\":\"m-own\"}")));
                    assertTrue(
                            Mallory.refused(m.ask("{\"request\":\"fetch\",\"connectionId\":\"m-own\",\"statementId\":"
                                    + statement + ",\"offset\":0,\"fetchMaxRowCount\":10}")));

                    // the flood: 1,000 connections, then 255 statements
                    List<String> hers = new ArrayList<>(List.of("m-own"));
                    int refusedConnections = 0;
                    for (int i = 0; i < 1_000; i++) {
                        JsonNode a = m.ask("{\"request\":\"openConnection\",\"connectionId\":\"m-" + i + "\"}");
                        if (Mallory.refused(a)) {
                            refusedConnections++;
                            assertTrue(
                                    a.path("errorMessage").asText().contains("--max-connections-per-user"),
                                    a::toString);
                        } else {
                            hers.add("m-" + i);
                        }
                    }
                    assertEquals(ServerLimits.DEFAULT_CONNECTIONS_PER_USER, hers.size());
                    assertEquals(1_000 - (ServerLimits.DEFAULT_CONNECTIONS_PER_USER - 1), refusedConnections);
                    int statements = 0;
                    for (int i = 0; i < 255; i++) {
                        JsonNode a = m.ask("{\"request\":\"createStatement\",\"connectionId\":\""
                                + hers.get(i % hers.size()) + "\"}");
                        if (!Mallory.refused(a)) {
                            statements++;
                        }
                    }
                    assertEquals(ServerLimits.DEFAULT_STATEMENTS_PER_USER, statements);

                    // alice: her stream goes on, and she opens a statement and a connection more
                    int before = arrivals.size();
                    Await.until(
                            () -> arrivals.size() >= before + 10 || failure.get() != null,
                            Duration.ofSeconds(30),
                            () -> "alice's stream after the flood: " + (arrivals.size() - before) + " rows");
                    assertNull(failure.get());
                    try (Statement st = c.createStatement();
                            ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM processes")) {
                        assertTrue(rs.next());
                    }
                    try (Connection again = DriverManager.getConnection(
                                    "jdbc:avatica:remote:url=" + server.url() + ";serialization=PROTOBUF", alice);
                            Statement st = again.createStatement();
                            ResultSet rs = st.executeQuery("SELECT 1")) {
                        assertTrue(rs.next());
                    }
                } finally {
                    workload.destroy();
                    workload.waitFor();
                    if (stream[0] != null) {
                        stream[0].cancel();
                    }
                    reader.join(30_000);
                }
            }
        }
    }
}
