// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sysql fleet}'s and {@code sysql agent}'s refusals: one line naming the problem, exit 2, before any broker is
 * contacted (the broker address here answers nothing).
 */
class FleetOptionsTest {
    private static void assertOneLineError(String[] result, String label, String expected) {
        assertEquals("2", result[0], "exit code; stderr: " + result[1]);
        String err = result[1].strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith(label + ": "), err);
        assertTrue(err.contains(expected), "expected [" + expected + "] in: " + err);
    }

    @Test
    void aQueryThatDoesNotSplitIsRefusedWithTheReason() {
        assertOneLineError(
                CaptureCommandTest.run("fleet", "-b", "127.0.0.1:1", "SELECT proc.name FROM events"),
                "sysql fleet",
                "cannot split this query for a fleet: a fleet query is a SELECT STREAM");
        assertOneLineError(
                CaptureCommandTest.run(
                        "fleet",
                        "-b",
                        "127.0.0.1:1",
                        "SELECT STREAM COUNT(DISTINCT proc.name) AS n FROM events"
                                + " GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND)"),
                "sysql fleet",
                "a distinct count needs every host's values in one place");
        assertOneLineError(
                CaptureCommandTest.run("fleet", "-b", "127.0.0.1:1", "SELECT STREAM proc.nme FROM events"),
                "sysql fleet",
                "proc.nme");
    }

    @Test
    void settingsAndBoundsAreChecked() {
        assertOneLineError(
                CaptureCommandTest.run(
                        "fleet",
                        "-b",
                        "127.0.0.1:1",
                        "-X",
                        "sasl.mechanizm=PLAIN",
                        "SELECT STREAM proc.name FROM events"),
                "sysql fleet",
                "not a Kafka client setting: sasl.mechanizm");
        assertOneLineError(
                CaptureCommandTest.run(
                        "fleet", "-b", "127.0.0.1:1", "--lateness", "-1", "SELECT STREAM proc.name FROM events"),
                "sysql fleet",
                "--lateness -1 is out of range: 0 to 3600");
        assertOneLineError(
                CaptureCommandTest.run("agent", "-b", "127.0.0.1:1", "--replay"),
                "sysql agent",
                "--replay plays a capture file: give it with -r FILE.scap");
        assertOneLineError(
                CaptureCommandTest.run("agent", "-b", "127.0.0.1:1", "-r", "x.scap", "--replay", "--speed", "0"),
                "sysql agent",
                "--speed 0.0 is out of range: give a number from 0.001 to 1000000");
        assertOneLineError(
                CaptureCommandTest.run("agent", "-b", "127.0.0.1:1", "--speed", "2"),
                "sysql agent",
                "--speed is the pace of --replay: add --replay (and -r FILE)");
        // a broker name DNS does not know is an absent broker (a daemon tries it again), not a wrong setting
        String[] unresolved = CaptureCommandTest.run("agent", "-b", "no-such-host.invalid:9092");
        assertEquals("1", unresolved[0], unresolved[1]);
        assertTrue(
                unresolved[1]
                        .strip()
                        .startsWith("sysql agent: cannot reach the control topic sysql.fleet at"
                                + " no-such-host.invalid:9092: "),
                unresolved[1]);
        // a value Kafka refuses: said as such (not "cannot reach"), and the agent does not try again
        assertOneLineError(
                CaptureCommandTest.run("agent", "-b", "127.0.0.1:1", "-X", "default.api.timeout.ms=2000"),
                "sysql agent",
                "a Kafka setting is wrong: The specified value of default.api.timeout.ms must be no smaller than");
        assertOneLineError(
                CaptureCommandTest.run("agent", "-b", "127.0.0.1:1", "-X", "acks2=1"),
                "sysql agent",
                "not a Kafka client setting: acks2");
    }

    @TempDir
    Path dir;

    /**
     * TABLE(fleet(…))'s settings file (the connection's fleetConfig): Kafka's client settings pass, sysql's control
     * topic and lateness are read; a key no Kafka client knows, bootstrap.servers, a bad lateness or a missing file
     * are refused in one line naming the file.
     */
    @Test
    void fleetConfigIsReadAndChecked() throws IOException {
        assertEquals(
                new FleetJob.Settings("b:9092", FleetControl.DEFAULT_TOPIC, Map.of(), Duration.ofSeconds(5)),
                FleetSqlStreams.settings("b:9092", null));
        Path config = dir.resolve("fleet.properties");
        Files.writeString(
                config,
                "security.protocol=SASL_SSL\nsasl.mechanism = PLAIN\nsysql.control.topic=ops.fleet\nsysql.lateness=2\n");
        assertEquals(
                new FleetJob.Settings(
                        "b:9092",
                        "ops.fleet",
                        Map.of("sasl.mechanism", "PLAIN", "security.protocol", "SASL_SSL"),
                        Duration.ofSeconds(2)),
                FleetSqlStreams.settings("b:9092", config));
        for (String[] bad : new String[][] {
            {
                "security.protocoll=SSL",
                "not a Kafka client setting nor sysql.control.topic or sysql.lateness:" + " security.protocoll"
            },
            {"bootstrap.servers=x:1", "the brokers are fleet()'s first argument, not bootstrap.servers: leave it out"},
            {"sysql.lateness=soon", "sysql.lateness=soon is not seconds from 0 to 3600"},
        }) {
            Files.writeString(config, bad[0]);
            IOException e = assertThrows(IOException.class, () -> FleetSqlStreams.settings("b:9092", config));
            assertTrue(e.getMessage().startsWith("fleetConfig " + config + ": "), e.getMessage());
            assertTrue(e.getMessage().endsWith(bad[1]), e.getMessage());
        }
        IOException e = assertThrows(
                IOException.class, () -> FleetSqlStreams.settings("b:9092", dir.resolve("none.properties")));
        assertEquals("cannot read fleetConfig " + dir.resolve("none.properties") + ": no such file", e.getMessage());
    }
}
