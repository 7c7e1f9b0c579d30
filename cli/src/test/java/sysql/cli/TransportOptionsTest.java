// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import sysql.server.TransportLimits;

/** {@code sysql serve}'s transport options: their defaults are the server's, a wrong value is one line. */
class TransportOptionsTest {
    @Test
    void theDefaultsAreTheServers() {
        TransportOptions o = CommandLine.populateCommand(new TransportOptions());
        assertEquals(TransportLimits.defaults(), o.limits());
        o = CommandLine.populateCommand(
                new TransportOptions(),
                "--max-http-connections",
                "10",
                "--max-http-connections-per-address",
                "2",
                "--max-requests-per-user",
                "3",
                "--read-timeout",
                "4",
                "--min-body-rate",
                "0",
                "--keepalive-timeout",
                "5",
                "--max-login-failures",
                "0");
        TransportLimits l = o.limits();
        assertEquals(10, l.maxConnections());
        assertEquals(2, l.maxConnectionsPerAddress());
        assertEquals(3, l.maxRequestsPerUser());
        assertEquals(4, l.readTimeout().toSeconds());
        assertEquals(0, l.minBodyRate());
        assertEquals(5, l.keepAliveTimeout().toSeconds());
        assertEquals(0, l.maxLoginFailures());
    }

    @Test
    void serveListsThemAndRefusesAWrongOneInOneLine() {
        String help = capture(false, () -> assertEquals(0, Sysql.run("serve", "--help")));
        for (String option : List.of(
                "--max-http-connections",
                "--max-http-connections-per-address",
                "--max-requests-per-user",
                "--read-timeout",
                "--min-body-rate",
                "--keepalive-timeout",
                "--max-login-failures")) {
            assertTrue(help.contains(option), help);
        }
        String error =
                capture(true, () -> assertEquals(1, Sysql.run("serve", "--port", "0", "--max-http-connections", "0")));
        assertEquals("sysql serve: --max-http-connections 0 is not positive: give 1 or more", error.strip());
    }

    private static String capture(boolean stderr, Runnable r) {
        PrintStream before = stderr ? System.err : System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream to = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        if (stderr) {
            System.setErr(to);
        } else {
            System.setOut(to);
        }
        try {
            r.run();
        } finally {
            if (stderr) {
                System.setErr(before);
            } else {
                System.setOut(before);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
