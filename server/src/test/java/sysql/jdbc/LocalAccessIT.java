// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sysql.server.ServerLimits;
import sysql.server.SysqlServer;
import sysql.server.TestServers;
import sysql.testing.RequiresBpf;

/**
 * The default {@code sysql serve} (loopback, no --auth) is not every local user's: as the unprivileged user
 * {@code nobody}, a request gets a one-line 403 (before, the same request read a root-only file's content through
 * {@code evt.buffer}); as root the same request is answered. Needs root (the live capture, and to become nobody).
 */
@RequiresBpf
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalAccessIT {
    static final String OPEN = "{\"request\":\"openConnection\",\"connectionId\":\"local-access\"}";

    @Test
    void onlyRootAndTheGroupMayAskAServerWithoutAuth() throws Exception {
        Class.forName("org.apache.calcite.avatica.remote.Driver");
        try (SysqlServer server = SysqlServer.start(TestServers.loopback(ServerLimits.defaults(), new Properties()))) {
            // nobody, with no group but its own: refused, in one line that names the ways in
            Process p = new ProcessBuilder(
                            "setpriv",
                            "--reuid=65534",
                            "--regid=65534",
                            "--clear-groups",
                            "bash",
                            "-c",
                            "exec 3<>/dev/tcp/127.0.0.1/" + server.port() + " && printf 'POST / HTTP/1.0\\r\\n"
                                    + "Content-Type: application/json\\r\\nContent-Length: " + OPEN.length()
                                    + "\\r\\n\\r\\n%s' '" + OPEN + "' >&3 && cat <&3")
                    .redirectErrorStream(true)
                    .start();
            String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertTrue(answer.startsWith("HTTP/1.1 403") || answer.startsWith("HTTP/1.0 403"), answer);
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertEquals(1, body.strip().lines().count(), body);
            assertTrue(body.contains("root or of the group sysql") && body.contains("nobody"), body);
            assertFalse(body.contains("Exception"), body);

            // root: the same request is answered, and a JDBC client queries
            HttpResponse<String> mine = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.url()))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(OPEN))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, mine.statusCode(), mine.body());
            try (Connection c = DriverManager.getConnection(
                            "jdbc:avatica:remote:url=" + server.url() + ";serialization=PROTOBUF");
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM processes")) {
                assertTrue(rs.next());
                assertTrue(rs.getLong(1) > 0);
            }
        }
    }
}
