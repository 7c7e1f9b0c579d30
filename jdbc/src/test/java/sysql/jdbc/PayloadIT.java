// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.RequiresBpf;

/**
 * Full payloads live: a child copies a known 5000-byte payload from a file to a pipe in one read and one write.
 * With {@code snaplen=8192} both events carry all 5000 bytes, as raw bytes in evt.rawarg.data (VARBINARY) and as
 * sysdig's text in evt.arg.data / evt.buffer (non-printable bytes as dots, not cut); with the default snaplen
 * (80) they carry the first 80. Needs root.
 */
@RequiresBpf
class PayloadIT {
    @TempDir
    Path tmp;

    @BeforeAll
    static void driver() throws Exception {
        Class.forName(SysqlDriver.class.getName());
    }

    /** Text lines with tabs, CR/LF, NULs and bytes above 127: everything sysdig turns into dots. */
    static byte[] payload() {
        byte[] b = new byte[5000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i % 61 == 60 ? '\n' : 'A' + i % 26);
        }
        for (int i = 7; i < b.length; i += 97) {
            b[i] = (byte) (i * 13); // NULs, controls, high bytes
        }
        return b;
    }

    /** sysdig's text of a buffer: printable ASCII as is, every other byte a dot. */
    static String sysdigText(byte[] b, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int ch = b[i] & 0xff;
            sb.append(ch >= 0x20 && ch < 0x7f ? (char) ch : '.');
        }
        return sb.toString();
    }

    record Row(String type, long buflen, byte[] raw, String text, String buffer) {}

    List<Row> copyAndQuery(String url, byte[] data) throws Exception {
        Path file = tmp.resolve("payload.bin");
        Files.write(file, data);
        try (Connection c = DriverManager.getConnection(url)) {
            Process child = new ProcessBuilder("dd", "if=" + file, "bs=8192", "status=none").start();
            byte[] out = child.getInputStream().readAllBytes(); // dd's stdout is a pipe to us
            assertEquals(0, child.waitFor());
            assertArrayEquals(data, out);
            LiveSqlIT.awaitExitInHistory(c, child.pid());
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT evt.type, evt.buflen, evt.rawarg.data, evt.arg.data, "
                            + "evt.buffer FROM events WHERE proc.pid = ? AND evt.dir = '<' "
                            + "AND evt.type IN ('read', 'write') AND evt.buflen = 5000")) {
                ps.setLong(1, child.pid());
                try (ResultSet rs = ps.executeQuery()) {
                    assertEquals(Types.VARBINARY, rs.getMetaData().getColumnType(3));
                    while (rs.next()) {
                        rows.add(new Row(
                                rs.getString(1), rs.getLong(2), rs.getBytes(3), rs.getString(4), rs.getString(5)));
                    }
                }
            }
            assertEquals(
                    List.of("read", "write"),
                    rows.stream().map(Row::type).sorted().toList(),
                    "dd's read and write");
            return rows;
        }
    }

    @Test
    void snaplen8192KeepsAllFiveThousandBytes() throws Exception {
        byte[] data = payload();
        for (Row r : copyAndQuery("jdbc:sysql:snaplen=8192", data)) {
            assertArrayEquals(data, r.raw(), r.type() + ": evt.rawarg.data has every byte");
            assertEquals(sysdigText(data, 5000), r.text(), r.type() + ": evt.arg.data is the whole text");
            assertEquals(r.text(), r.buffer(), r.type() + ": evt.buffer");
        }
    }

    @Test
    void defaultSnaplenKeepsEightyBytes() throws Exception {
        byte[] data = payload();
        for (Row r : copyAndQuery("jdbc:sysql:", data)) {
            assertArrayEquals(Arrays.copyOf(data, 80), r.raw(), r.type() + ": evt.rawarg.data has the first 80 bytes");
            assertEquals(sysdigText(data, 80), r.text(), r.type() + ": evt.arg.data");
            assertTrue(r.text().length() == 80 && !r.text().endsWith("..."), r.text());
        }
    }
}
