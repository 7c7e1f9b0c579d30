// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A bounds-checked little-endian reader over part of a block body; running past the end is a format error. */
final class BodyCursor {
    private final ByteBuffer buf;
    private final long baseOffset;
    private final String what;
    private final int hardEnd;
    private int pos;
    private int end;

    /**
     * @param buf the body, little endian
     * @param baseOffset file offset of {@code buf}'s index 0
     * @param what what is being read, for messages ("process list block")
     */
    BodyCursor(ByteBuffer buf, int from, int end, long baseOffset, String what) {
        this.buf = buf;
        this.pos = from;
        this.end = end;
        this.hardEnd = end;
        this.baseOffset = baseOffset;
        this.what = what;
    }

    int position() {
        return pos;
    }

    int end() {
        return end;
    }

    int remaining() {
        return end - pos;
    }

    /** File offset of the next byte. */
    long fileOffset() {
        return baseOffset + pos;
    }

    /** Limits reading to {@code newEnd} (an entry inside the block), or lifts the limit up to the block's end. */
    void limit(int newEnd) {
        if (newEnd > hardEnd || newEnd < pos) {
            throw error("entry length runs past the end of the block (" + (newEnd - pos) + " bytes claimed, "
                    + (hardEnd - pos) + " left)");
        }
        end = newEnd;
    }

    void seek(int newPos) {
        if (newPos < pos || newPos > end) {
            throw error("cannot move to " + newPos + " in the " + what);
        }
        pos = newPos;
    }

    ScapFormatException error(String problem) {
        return new ScapFormatException(fileOffset(), what + ": " + problem);
    }

    private int take(int n, String field) {
        if (n < 0 || n > end - pos) {
            throw error(field + " needs " + n + " bytes, " + (end - pos) + " left");
        }
        int p = pos;
        pos += n;
        return p;
    }

    int u8(String field) {
        return buf.get(take(1, field)) & 0xff;
    }

    int u16(String field) {
        return buf.getShort(take(2, field)) & 0xffff;
    }

    int i32(String field) {
        return buf.getInt(take(4, field));
    }

    long u32(String field) {
        return buf.getInt(take(4, field)) & 0xffffffffL;
    }

    long i64(String field) {
        return buf.getLong(take(8, field));
    }

    byte[] bytes(int n, String field) {
        int p = take(n, field);
        byte[] b = new byte[n];
        buf.get(p, b, 0, n);
        return b;
    }

    /** {@code n} bytes as text, up to the first NUL (strings are not NUL-terminated on file, but may hold one). */
    String text(int n, String field) {
        int p = take(n, field);
        int len = 0;
        while (len < n && buf.get(p + len) != 0) {
            len++;
        }
        byte[] b = new byte[len];
        buf.get(p, b, 0, len);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A u16 length then that many bytes of text. */
    String lenText(String field) {
        return text(u16(field + " length"), field);
    }

    /** A u16 length then NUL-separated strings (argv, environment, cgroups). */
    List<String> lenStrings(String field) {
        int n = u16(field + " length");
        int p = take(n, field);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || buf.get(p + i) == 0) {
                if (i > start || i < n) {
                    byte[] b = new byte[i - start];
                    buf.get(p + start, b, 0, b.length);
                    out.add(new String(b, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return List.copyOf(out);
    }

    /** A raw address of 4 or 16 bytes as stored (network byte order). */
    InetAddress address(int n, String field) {
        try {
            return InetAddress.getByAddress(bytes(n, field));
        } catch (UnknownHostException e) {
            throw error(field + ": " + e.getMessage());
        }
    }
}
