// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.capture.CaptureException;
import sysql.capture.EventBatch;

/**
 * A file that is not a capture is refused without one byte of it in the message (plain, gzip, or with a section
 * header's block type but no byte-order magic); {@link ScapDirectory} reads regular files under its directory only,
 * refuses everything else alike, and never blocks opening (a FIFO, even swapped in after the check).
 */
class ScapDirectoryTest {
    static final String SECRET = "root:$6$SECRETHASHxyz:19000:0:99999:7:::\n";

    @TempDir
    Path tmp;

    private static String message(Path file) {
        return assertThrows(CaptureException.class, () -> ScapFileSource.open(file))
                .getMessage();
    }

    /** No run of 4 bytes of the content (as text, or as a hexadecimal or decimal number) is in {@code m}. */
    private static void quotesNothingOf(byte[] content, String m) {
        for (int i = 0; i + 4 <= content.length; i++) {
            String text = new String(content, i, 4, StandardCharsets.ISO_8859_1);
            int le = (content[i] & 0xff)
                    | (content[i + 1] & 0xff) << 8
                    | (content[i + 2] & 0xff) << 16
                    | (content[i + 3] & 0xff) << 24;
            for (String quoted : List.of(
                    text,
                    String.format("%08x", le),
                    String.format("%08x", Integer.reverseBytes(le)),
                    Long.toString(le & 0xffffffffL))) {
                assertFalse(
                        m.toLowerCase(Locale.ROOT).contains(quoted.toLowerCase(Locale.ROOT)),
                        "'" + quoted + "' quoted: " + m);
            }
        }
    }

    @Test
    void aFileThatIsNotACaptureIsRefusedWithoutQuotingIt() throws Exception {
        byte[] text = SECRET.getBytes(StandardCharsets.US_ASCII);
        Path shadow = Files.write(tmp.resolve("shadow"), text);
        String m = message(shadow);
        assertEquals(
                "shadow: not a sysdig capture file (it does not start with a section header block) at offset 0", m);
        quotesNothingOf(text, m);

        // gzip: the uncompressed bytes are not quoted either
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(text);
        }
        Path compressed = Files.write(tmp.resolve("shadow.gz"), gz.toByteArray());
        m = message(compressed);
        assertTrue(m.startsWith("shadow.gz: not a sysdig capture file (it does not start with a section header"), m);
        quotesNothingOf(text, m);

        // a section header's block type and length, then no byte-order magic: still not a capture
        byte[] fake = HexFormat.of().parseHex("0a0d0d0a" + "1c000000" + "53454352" + "4554212a" + "0000000000000000");
        m = message(Files.write(tmp.resolve("fake"), fake));
        assertTrue(m.startsWith("fake: not a sysdig capture file"), m);
        quotesNothingOf(Arrays.copyOfRange(fake, 8, 16), m);

        // shorter than a block header
        m = message(Files.write(tmp.resolve("short"), "abc".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(m.startsWith("short: not a sysdig capture file"), m);
        assertFalse(m.contains("abc"), m);
    }

    private static long events(ScapFileSource src) throws CaptureException {
        long n = 0;
        try (EventBatch batch = new EventBatch()) {
            while (src.fill(batch, 0)) {
                n += batch.count();
            }
        }
        return n;
    }

    private static void mkfifo(Path p) throws IOException, InterruptedException {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor(), "mkfifo " + p);
    }

    @Test
    void onlyRegularFilesUnderTheDirectoryAreRead() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("captures"));
        Path capture = ScapTestFiles.scap("falco_cat_write.scap");
        Files.copy(capture, dir.resolve("trace.scap"));
        Path outside = Files.copy(capture, tmp.resolve("outside.scap"));
        Files.createSymbolicLink(dir.resolve("out.scap"), outside);
        Files.createSymbolicLink(dir.resolve("in.scap"), dir.resolve("trace.scap"));
        Files.createDirectory(dir.resolve("sub"));
        mkfifo(dir.resolve("fifo.scap"));
        ScapDirectory under = ScapDirectory.of(dir);

        long expected;
        try (ScapFileSource src = ScapFileSource.open(capture)) {
            expected = events(src);
        }
        assertTrue(expected > 0);
        for (String ok : List.of("trace.scap", dir.resolve("trace.scap").toString(), "in.scap", "sub/../trace.scap")) {
            try (ScapFileSource src = under.open(ok)) {
                assertEquals(expected, events(src), ok);
            }
        }
        for (String refused : List.of(
                "out.scap",
                outside.toString(),
                "../outside.scap",
                "sub",
                ".",
                "",
                "missing.scap",
                "fifo.scap",
                "/etc/passwd",
                "/dev/zero",
                "a\0b")) {
            assertTimeoutPreemptively(
                    Duration.ofSeconds(5),
                    () -> assertThrows(ScapDirectory.Refused.class, () -> under.open(refused), refused));
        }
        Path notes = Files.writeString(dir.resolve("notes.scap"), SECRET);
        CaptureException e = assertThrows(CaptureException.class, () -> under.open("notes.scap"));
        assertTrue(e.getMessage().startsWith("notes.scap: not a sysdig capture file"), e.getMessage());
        quotesNothingOf(Files.readAllBytes(notes), e.getMessage());
    }

    /** A FIFO that appears after the check (a swap) is refused at the open itself, which does not wait for a writer. */
    @Test
    void theOpenItselfNeverBlocksOnAFifo() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("captures"));
        Path fifo = dir.resolve("fifo.scap");
        mkfifo(fifo);
        ScapDirectory under = ScapDirectory.of(dir);
        assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> assertThrows(ScapDirectory.Refused.class, () -> under.openRegular(fifo)));
        Path link = dir.resolve("link.scap");
        Files.createSymbolicLink(link, dir.resolve("fifo.scap"));
        assertThrows(ScapDirectory.Refused.class, () -> under.openRegular(link)); // O_NOFOLLOW
    }
}
