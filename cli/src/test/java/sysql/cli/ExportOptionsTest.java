// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.TestData;

/** {@code sysql export}'s argument errors: one line naming the problem and the fix, exit 2, before anything runs. */
class ExportOptionsTest {
    @TempDir
    Path dir;

    private static String[] export(String... args) {
        List<String> all = new ArrayList<>(List.of("export", "-b", "127.0.0.1:1", "-t", "events"));
        all.addAll(List.of(args));
        return CaptureCommandTest.run(all.toArray(String[]::new));
    }

    private static void assertOneLineError(String[] result, String expected) {
        assertEquals("2", result[0], "exit code; stderr: " + result[1]);
        String err = result[1].strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("sysql export: "), err);
        assertTrue(err.contains(expected), "expected [" + expected + "] in: " + err);
    }

    @Test
    void producerSettingsAreCheckedAgainstKafkasOwnList() throws Exception {
        assertOneLineError(
                export("-X", "acks=all", "-X", "compresion.type=zstd", "SELECT STREAM evt.type FROM events"),
                "not a Kafka producer setting: compresion.type (see https://kafka.apache.org/documentation/#producerconfigs)");
        assertOneLineError(
                export("-X", "value.serializer=x", "SELECT STREAM evt.type FROM events"),
                "value.serializer is sysql export's own: leave it out");
        Path config = dir.resolve("producer.properties");
        Files.writeString(config, "bootstrap.servers=elsewhere:9092\n");
        assertOneLineError(
                export("--producer-config", config.toString(), "SELECT STREAM evt.type FROM events"),
                "give the brokers with -b, not bootstrap.servers");
        assertOneLineError(
                export("--producer-config", dir.resolve("none").toString(), "SELECT STREAM evt.type FROM events"),
                "cannot read --producer-config " + dir.resolve("none") + ": no such file");
    }

    @Test
    void replayNeedsAFileAndSpeedNeedsReplay() {
        assertOneLineError(
                export("--replay", "SELECT STREAM evt.type FROM events"),
                "--replay plays a capture file: give it with -r FILE.scap");
        assertOneLineError(
                export(
                        "-r",
                        TestData.scap("falco_syscall.scap").toString(),
                        "--speed",
                        "2",
                        "SELECT evt.type FROM events"),
                "--speed is the pace of --replay: add --replay (and -r FILE)");
        assertOneLineError(
                export(
                        "-r",
                        TestData.scap("falco_syscall.scap").toString(),
                        "--replay",
                        "--speed",
                        "0",
                        "SELECT evt.type FROM events"),
                "--speed 0.0 is out of range: give a number from 0.001 to 1000000");
    }

    @Test
    void oneQueryAndAKnownFormat() {
        assertOneLineError(export("SELECT 1; SELECT 2"), "give one query (2 statements given)");
        assertOneLineError(
                export("--format", "avro", "SELECT 1"), "--format avro is not one sysql export writes: arrow or json");
        assertOneLineError(export(), "no query given: pass one as an argument or with -f FILE.sql");
        assertOneLineError(export("--batch-rows", "0", "SELECT 1"), "--batch-rows 0 is out of range: 1 to 1000000");
    }

    @Test
    void aBadBrokerAddressIsOneLine() {
        String[] result = CaptureCommandTest.run(
                "export", "-b", "no-such-host.invalid:9092", "-t", "events", "SELECT STREAM evt.type FROM events");
        assertEquals("2", result[0], result[1]);
        String err = result[1].strip();
        assertFalse(err.contains("\n"), err);
        assertTrue(err.startsWith("sysql export: cannot make a Kafka producer: "), err);
        assertTrue(err.endsWith("(check -b and -X)"), err);
    }
}
