// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * Where the {@code sysql daemon} listens (a Unix domain socket, {@code /run/sysql/sysql.sock} unless the
 * {@code socket} property or {@code $SYSQL_SOCKET} says otherwise), how a client finds out whether it runs, and
 * the frames both sides exchange on it: a request is {@code u32 length} + an Avatica protobuf request; an
 * answer is {@code u32 status} + {@code u32 length} + the body, status {@link #OK} an Avatica protobuf
 * response, {@link #REFUSED} a one-line message (access denied, a request too large, too many clients).
 * Nothing here loads Calcite: a client of the daemon starts in a fraction of the embedded engine's time.
 */
public final class DaemonSocket {
    public static final Path DEFAULT_PATH = Path.of("/run/sysql/sysql.sock");
    /** The group whose members (and root) may use the daemon. */
    public static final String DEFAULT_GROUP = "sysql";

    public static final int OK = 0;
    public static final int REFUSED = 1;
    /** The largest answer a client accepts (the server cuts frames of rows at 8 MiB). */
    public static final int MAX_FRAME_BYTES = 64 << 20;
    /** The largest request the daemon accepts (SQL text and parameters are far smaller). */
    public static final int MAX_REQUEST_BYTES = 16 << 20;

    /** How a connection chooses its engine: {@code auto} (the daemon if it runs), {@code daemon}, {@code embedded}. */
    public enum Mode {
        AUTO,
        DAEMON,
        EMBEDDED
    }

    /** The connection properties a client of a server sets: the rest (the capture's) are the server's. */
    public static final java.util.Set<String> CLIENT_PROPERTIES = java.util.Set.of("windowGroups");

    /** The connection properties that configure a capture of one's own: given in {@code auto} mode, embedded. */
    static final java.util.Set<String> CAPTURE_PROPERTIES = java.util.Set.of(
            "snaplen",
            "ringSize",
            "driver",
            "history",
            "historySeconds",
            "historyMegabytes",
            "historyDir",
            "historyDiskMegabytes",
            "historyDiskSeconds",
            "historyCompress",
            "historyFilter");

    private DaemonSocket() {}

    /** The socket path for these connection properties. */
    public static Path path(Properties p) {
        String s = p.getProperty("socket");
        if (s == null || s.isBlank()) {
            s = System.getenv("SYSQL_SOCKET");
        }
        return s == null || s.isBlank() ? DEFAULT_PATH : Path.of(s.trim());
    }

    /** The {@code engine} property; a bad value is a one-line error. */
    public static Mode mode(Properties p) throws java.sql.SQLException {
        String v = p.getProperty("engine");
        if (v == null || v.isBlank()) {
            return Mode.AUTO;
        }
        try {
            return Mode.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new java.sql.SQLException(
                    "connection property engine=" + v + " is invalid: use auto, daemon or embedded", "HY024");
        }
    }

    /**
     * Whether these properties go to the daemon at {@link #path}: never for a capture file; in {@code auto}
     * mode when its socket answers and no capture setting of one's own is asked for; always in {@code daemon}
     * mode (where one that does not answer is an error). A socket the user may not open is an error in both.
     */
    public static boolean useDaemon(Properties p) throws java.sql.SQLException {
        String file = p.getProperty("file");
        if (file != null && !file.isBlank()) {
            return false;
        }
        Mode mode = mode(p);
        if (mode == Mode.EMBEDDED) {
            return false;
        }
        if (mode == Mode.AUTO && CAPTURE_PROPERTIES.stream().anyMatch(k -> p.getProperty(k) != null)) {
            return false;
        }
        String fleetConfig = p.getProperty("fleetConfig");
        if (fleetConfig != null && !fleetConfig.isBlank()) {
            // TABLE(fleet(…)) runs in the process whose connection it is, and the daemon runs none for its clients
            if (mode == Mode.DAEMON) {
                throw new java.sql.SQLException(
                        "fleetConfig is for fleet queries, which the daemon does not run for its clients: leave out"
                                + " engine=daemon (--engine daemon)",
                        "HY024");
            }
            return false;
        }
        Path path = path(p);
        if (mode == Mode.AUTO && !Files.exists(path)) {
            Path dir = path.toAbsolutePath().getParent();
            if (dir != null && Files.isDirectory(dir) && !Files.isExecutable(dir)) {
                // the daemon's directory is there but closed to this user: its socket cannot be seen
                throw new java.sql.SQLException(denied(path), "28000");
            }
            return false; // no daemon: the common case costs one stat
        }
        try {
            connect(path).close();
            return true;
        } catch (IOException e) {
            if (isDenied(e)) {
                throw new java.sql.SQLException(denied(path), "28000", e);
            }
            if (mode == Mode.DAEMON) {
                throw new java.sql.SQLException(
                        "no sysql daemon answers on " + path + " (" + e.getMessage() + "): start it (sysql daemon, "
                                + "or systemctl start sysql), or connect with engine=embedded",
                        "08001",
                        e);
            }
            return false; // a stale socket of a daemon that died: this process captures itself
        }
    }

    /** The one line a user without access to the socket gets. */
    public static String denied(Path path) {
        return "permission denied on " + path + ": only root and members of the group " + DEFAULT_GROUP
                + " may query the sysql daemon (sudo usermod -aG " + DEFAULT_GROUP
                + " $USER, then log in again; or run as root)";
    }

    public static boolean isDenied(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("permission denied") || m.contains("access denied");
    }

    /** A connected channel to the daemon's socket, in blocking mode. */
    public static SocketChannel connect(Path path) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(path));
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** Writes one request frame. */
    public static void writeRequest(SocketChannel ch, byte[] body) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(4).putInt(0, body.length);
        writeFully(ch, new ByteBuffer[] {head, ByteBuffer.wrap(body)});
    }

    /** Writes one answer frame. */
    public static void writeAnswer(SocketChannel ch, int status, byte[] body) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(8).putInt(0, status).putInt(4, body.length);
        writeFully(ch, new ByteBuffer[] {head, ByteBuffer.wrap(body)});
    }

    /** A one-line refusal. */
    public static void writeRefusal(SocketChannel ch, String message) throws IOException {
        writeAnswer(ch, REFUSED, message.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeFully(SocketChannel ch, ByteBuffer[] buffers) throws IOException {
        ByteBuffer last = buffers[buffers.length - 1];
        while (last.hasRemaining()) {
            ch.write(buffers);
        }
    }

    /** Reads one request frame; null at a clean end of stream (the client closed between requests). */
    public static byte[] readRequest(SocketChannel ch) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(4);
        if (!readFully(ch, head, true)) {
            return null;
        }
        int length = head.getInt(0);
        if (length < 0 || length > MAX_REQUEST_BYTES) {
            throw new FrameTooLarge(length);
        }
        // memory as the bytes arrive, not as the header announces them
        byte[] body = new byte[Math.min(length, 64 << 10)];
        int got = 0;
        while (got < length) {
            if (got == body.length) {
                body = java.util.Arrays.copyOf(body, (int) Math.min(length, 2L * body.length));
            }
            int n = ch.read(ByteBuffer.wrap(body, got, body.length - got));
            if (n < 0) {
                throw new EOFException("the other side closed the connection in the middle of a frame");
            }
            got += n;
        }
        return body;
    }

    /** An answer: its status and body. */
    public record Answer(int status, byte[] body) {
        public String message() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Reads one answer frame. */
    public static Answer readAnswer(SocketChannel ch) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(8);
        readFully(ch, head, false);
        int length = head.getInt(4);
        if (length < 0 || length > MAX_FRAME_BYTES) {
            throw new IOException("the sysql daemon sent a frame of " + length + " bytes: is it another program?");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(ch, body, false);
        return new Answer(head.getInt(0), body.array());
    }

    /** Fills {@code b}; false if the stream ended before its first byte and {@code endOk}. */
    private static boolean readFully(SocketChannel ch, ByteBuffer b, boolean endOk) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                if (endOk && b.position() == 0) {
                    return false;
                }
                throw new EOFException("the other side closed the connection in the middle of a frame");
            }
        }
        return true;
    }

    /** A request frame longer than {@link #MAX_FRAME_BYTES}. */
    public static final class FrameTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        FrameTooLarge(int length) {
            super("a request of " + Integer.toUnsignedString(length) + " bytes: requests are limited to "
                    + MAX_REQUEST_BYTES + " bytes");
        }
    }
}
