// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static sysql.capture.scap.ScapFileWriterTest.code;
import static sysql.capture.scap.ScapFileWriterTest.event;
import static sysql.capture.scap.ScapFileWriterTest.i64;
import static sysql.capture.scap.ScapFileWriterTest.u32;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A capture file as a large snaplen writes it: writes and reads on a pipe whose data buffers hold more than
 * sysdig's 80-character print length (5000 bytes of text lines; 65000 bytes of binary with a NUL, as sysdig 0.29.3
 * reads no event block over 64 KiB), and buffers at the edges of it (81, 80, 79, 3 and 0 bytes). Written with {@link ScapFileWriter} (sysdig 0.29.3
 * reads it), process and descriptors from {@link ScapFileWriterTest#state()} (fd 1 of process 100 is a pipe).
 */
public final class PayloadCapture {
    private PayloadCapture() {}

    /** The 5000-byte payload: numbered text lines, with a tab and a byte above 127 in each. */
    public static byte[] text5000() {
        StringBuilder sb = new StringBuilder();
        for (int line = 0; sb.length() < 5000; line++) {
            sb.append("line ").append(line).append("\tof the payload: GET /index.html HTTP/1.1\r\n");
        }
        byte[] b = sb.substring(0, 5000).getBytes(StandardCharsets.US_ASCII);
        for (int i = 97; i < b.length; i += 211) {
            b[i] = (byte) (0x80 + i % 128);
        }
        return b;
    }

    /** 65000 bytes of every value, a NUL at 100: raw text stops there, the printable text does not. */
    public static byte[] binary65000() {
        byte[] b = new byte[65000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (0x20 + i % 95);
        }
        for (int i = 300; i < b.length; i += 7) {
            b[i] = (byte) (i * 31);
        }
        b[100] = 0;
        return b;
    }

    static byte[] ascii(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    /** Writes the capture to {@code dir/payloads.scap}. */
    public static Path write(Path dir) throws Exception {
        List<byte[]> buffers = List.of(text5000(), ascii(81), ascii(80), ascii(79), ascii(3), new byte[0]);
        List<byte[]> events = new ArrayList<>();
        long ts = ScapFileWriterTest.T0;
        for (byte[] data : buffers) {
            events.add(event(ts++, 100, code("write", true), i64(1), u32(data.length)));
            events.add(event(ts++, 100, code("write", false), i64(data.length), data));
        }
        byte[] big = binary65000();
        events.add(event(ts++, 100, code("read", true), i64(1), u32(big.length)));
        events.add(event(ts++, 100, code("read", false), i64(big.length), big));
        Path file = dir.resolve("payloads.scap");
        try (ScapFileWriter w =
                ScapFileWriter.create(file, ScapFileWriterTest.state(), ScapFileWriter.Options.defaults())) {
            for (byte[] e : events) {
                w.write(new ScapFileWriterTest.Ev(0, e).view());
            }
        }
        return file;
    }
}
