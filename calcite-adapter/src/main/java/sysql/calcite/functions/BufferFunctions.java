// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.functions;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.linq4j.function.Strict;
import sysql.calcite.SysqlException;

/**
 * SQL functions over raw bytes ({@code evt.rawarg.data} and the other VARBINARY buffer fields): sysdig's printable
 * text of a buffer, and PostgreSQL's {@code encode} and {@code convert_from}. A NULL argument gives NULL.
 */
public final class BufferFunctions {
    private BufferFunctions() {}

    /**
     * {@code printable(bytes)}: the buffer as sysdig prints a buffer argument ({@code evt.arg.data}), every byte
     * from 0x20 to 0x7e as itself and any other (newlines included) as a dot, never cut.
     */
    @Strict
    public static String printable(ByteString bytes) {
        StringBuilder sb = new StringBuilder(bytes.length());
        for (int i = 0; i < bytes.length(); i++) {
            int ch = bytes.byteAt(i) & 0xff;
            sb.append(ch >= 0x20 && ch < 0x7f ? (char) ch : '.');
        }
        return sb.toString();
    }

    /**
     * PostgreSQL's {@code encode(bytes, format)}: {@code 'hex'}, {@code 'base64'} or {@code 'escape'} (printable
     * ASCII as itself, a backslash doubled, any other byte as {@code \nnn} in octal).
     */
    @Strict
    public static String encode(ByteString bytes, String format) {
        switch (format.toLowerCase(Locale.ROOT)) {
            case "hex":
                return bytes.toString(16);
            case "base64":
                return Base64.getEncoder().encodeToString(bytes.getBytes());
            case "escape":
                StringBuilder sb = new StringBuilder(bytes.length());
                for (int i = 0; i < bytes.length(); i++) {
                    int ch = bytes.byteAt(i) & 0xff;
                    if (ch == '\\') {
                        sb.append("\\\\");
                    } else if (ch >= 0x20 && ch < 0x7f) {
                        sb.append((char) ch);
                    } else {
                        sb.append('\\')
                                .append((char) ('0' + (ch >> 6)))
                                .append((char) ('0' + ((ch >> 3) & 7)))
                                .append((char) ('0' + (ch & 7)));
                    }
                }
                return sb.toString();
            default:
                throw new SysqlException("encode: unknown format '" + format + "': use 'hex', 'base64' or 'escape'");
        }
    }

    /**
     * PostgreSQL's {@code convert_from(bytes, encoding)}: the bytes decoded as text in that encoding ({@code 'UTF8'},
     * {@code 'LATIN1'}, {@code 'SQL_ASCII'} or any Java charset name); a malformed sequence becomes U+FFFD.
     */
    @Strict
    public static String convertFrom(ByteString bytes, String encoding) {
        return new String(bytes.getBytes(), charset(encoding));
    }

    private static Charset charset(String encoding) {
        switch (encoding.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "")) {
            case "UTF8":
                return StandardCharsets.UTF_8;
            case "LATIN1":
            case "ISO88591":
                return StandardCharsets.ISO_8859_1;
            case "SQLASCII":
            case "ASCII":
                return StandardCharsets.US_ASCII;
            default:
                try {
                    return Charset.forName(encoding);
                } catch (IllegalArgumentException e) {
                    throw new SysqlException(
                            "convert_from: unknown encoding '" + encoding + "': use 'UTF8' or 'LATIN1'");
                }
        }
    }
}
