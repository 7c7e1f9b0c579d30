// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One block of a capture file being built in memory for {@link ScapFileWriter}: {@code u32 type, u32 total length,
 * body, padding to 4, u32 total length}, little endian, growing as needed, with the field encodings of libscap's
 * blocks (u16-length texts cut at a limit, NUL-padded fixed texts, string lists, addresses in network byte order,
 * entries with a u32 length). Reused from block to block ({@link #start(int)}); the writer emits
 * {@code data[0..size)} after {@link #finish()}.
 */
final class BlockBuilder {
    byte[] data = new byte[1 << 12];
    int size;

    BlockBuilder start(int type) {
        size = 0;
        i32(type);
        i32(0); // total length, set by finish()
        return this;
    }

    void finish() {
        while ((size & 3) != 0) {
            u8(0);
        }
        int total = size + 4;
        putInt(4, total);
        i32(total);
    }

    /** Starts an entry with a u32 length that includes itself; returns where it starts. */
    int entry() {
        int at = size;
        i32(0);
        return at;
    }

    void endEntry(int at) {
        putInt(at, size - at);
    }

    private void ensure(int n) {
        if (size + n > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + n));
        }
    }

    private void putInt(int at, int v) {
        data[at] = (byte) v;
        data[at + 1] = (byte) (v >>> 8);
        data[at + 2] = (byte) (v >>> 16);
        data[at + 3] = (byte) (v >>> 24);
    }

    BlockBuilder u8(int v) {
        ensure(1);
        data[size++] = (byte) v;
        return this;
    }

    BlockBuilder u16(int v) {
        ensure(2);
        data[size++] = (byte) v;
        data[size++] = (byte) (v >>> 8);
        return this;
    }

    BlockBuilder i32(int v) {
        ensure(4);
        putInt(size, v);
        size += 4;
        return this;
    }

    BlockBuilder i64(long v) {
        i32((int) v);
        return i32((int) (v >>> 32));
    }

    BlockBuilder bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, data, size, b.length);
        size += b.length;
        return this;
    }

    BlockBuilder lenText(String s, int max) {
        byte[] b = utf8(s, max);
        u16(b.length);
        return bytes(b);
    }

    /** A text field of fixed width, NUL-padded (the machine's host name). */
    BlockBuilder fixedText(String s, int width) {
        byte[] b = utf8(s, width - 1);
        bytes(b);
        for (int i = b.length; i < width; i++) {
            u8(0);
        }
        return this;
    }

    /** A u16 length then each string followed by a NUL, as many whole strings as fit in {@code max}. */
    BlockBuilder lenStrings(List<String> list, int max) {
        int lenAt = size;
        u16(0);
        int n = 0;
        for (String s : list) {
            byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
            if (n + b.length + 1 > max) {
                break;
            }
            bytes(b);
            u8(0);
            n += b.length + 1;
        }
        data[lenAt] = (byte) n;
        data[lenAt + 1] = (byte) (n >>> 8);
        return this;
    }

    /** An address in network byte order, {@code len} bytes; null (or the other family) as zeros. */
    BlockBuilder address(InetAddress a, int len) {
        byte[] b = a == null ? null : a.getAddress();
        if (b == null || b.length != len) {
            if (b != null && len == 16 && a instanceof Inet4Address) {
                byte[] m = new byte[16]; // IPv4 in an IPv6 slot: v4-mapped
                m[10] = (byte) 0xff;
                m[11] = (byte) 0xff;
                System.arraycopy(b, 0, m, 12, 4);
                return bytes(m);
            }
            if (b != null && len == 4 && a instanceof Inet6Address && isV4Mapped(b)) {
                return bytes(Arrays.copyOfRange(b, 12, 16));
            }
            return bytes(new byte[len]);
        }
        return bytes(b);
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** {@code s} (null as empty) in UTF-8, cut to at most {@code max} bytes without splitting a character. */
    static byte[] utf8(String s, int max) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        if (b.length <= max) {
            return b;
        }
        int n = max;
        while (n > 0 && (b[n] & 0xc0) == 0x80) {
            n--; // do not cut a character in two
        }
        byte[] c = new byte[n];
        System.arraycopy(b, 0, c, 0, n);
        return c;
    }
}
