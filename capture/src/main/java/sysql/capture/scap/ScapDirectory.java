// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import sysql.capture.CaptureException;

/**
 * The capture files a server lets its clients read: regular files under one directory, opened without ever
 * blocking. A path names a file under the directory (a relative one is taken from it); its real path (every
 * symbolic link followed, {@code ..} resolved) must lie under the directory's real path and be a regular file —
 * not a FIFO, a device, a socket or a directory, whose open(2) could block or have effects. Opening rechecks both
 * on the descriptor itself ({@code O_PATH | O_NOFOLLOW}: no open(2) of a device or FIFO runs, then its {@code /proc/self/fd} entry), so a file
 * swapped for a FIFO or a symbolic link between the check and the open is refused as well, and no thread ever
 * waits in open(2).
 *
 * <p>Every refusal is the same {@link Refused}, with no detail: whether a path is missing, outside the directory
 * or not a regular file must not be told apart by a client.
 */
public final class ScapDirectory {
    private final Path dir;

    private ScapDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * The directory {@code dir}, by its real path.
     *
     * @throws IOException if it does not exist or is not a directory
     */
    public static ScapDirectory of(Path dir) throws IOException {
        Path real = dir.toRealPath();
        if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory");
        }
        return new ScapDirectory(real);
    }

    /** The directory's real path. */
    public Path dir() {
        return dir;
    }

    /** A path this directory does not let be read: missing, outside it, or not a regular file. No detail. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused() {
            super("not a capture file under the directory", null, false, false);
        }
    }

    /**
     * The real path of the regular file {@code path} names under this directory (relative: from the directory).
     *
     * @throws Refused if it is missing, lies outside the directory (through {@code ..} or a symbolic link), or is
     *     not a regular file
     */
    public Path resolve(String path) throws Refused {
        try {
            Path real = dir.resolve(path).toRealPath();
            if (!inside(real)
                    || !Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .isRegularFile()) {
                throw new Refused();
            }
            return real;
        } catch (IOException | InvalidPathException | SecurityException e) {
            throw new Refused();
        }
    }

    private boolean inside(Path real) {
        return real.startsWith(dir) && !real.equals(dir);
    }

    /**
     * Opens the capture file {@code path} names under this directory; never blocks in open(2).
     *
     * @throws Refused as {@link #resolve} does, and when the file changed into something else before the open
     * @throws CaptureException if the file is not a sysdig capture file or is damaged before its first event (the
     *     message quotes none of its bytes); or on a platform other than Linux x86-64
     */
    public ScapFileSource open(String path) throws Refused, CaptureException {
        Path real = resolve(path);
        InputStream in = openRegular(real);
        Path name = real.getFileName();
        return ScapFileSource.open(name != null ? name.toString() : real.toString(), in);
    }

    /** {@code real} as a stream, when what open(2) gives is a regular file under this directory. */
    InputStream openRegular(Path real) throws Refused, CaptureException {
        if (LIBC_ERROR != null) {
            throw new CaptureException(
                    CaptureException.Reason.NATIVE_LIBRARY,
                    "capture files under a directory are read on Linux x86_64 only (" + LIBC_ERROR + ")");
        }
        // O_PATH: a reference to the file, not an open of it (no device's or FIFO's open(2) runs, whatever the path
        // has become since it was resolved); what it is and where, from the descriptor; only then a read open
        int fd = LibC.open(real.toString(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            throw new Refused();
        }
        try {
            // the descriptor's own file: its type (stat follows the /proc link to the open file) and where it is
            Path self = Path.of("/proc/self/fd/" + fd);
            if (!Files.readAttributes(self, BasicFileAttributes.class).isRegularFile()
                    || !inside(Files.readSymbolicLink(self))) {
                throw new Refused();
            }
            // a regular file's open never blocks: the same file, opened again through the descriptor
            return Files.newInputStream(self);
        } catch (IOException | InvalidPathException | SecurityException e) {
            throw new Refused();
        } finally {
            LibC.close(fd);
        }
    }

    // open(2)'s flags on Linux x86-64 (asm-generic)
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_PATH = 010000000;
    private static final int O_CLOEXEC = 02000000;

    private static final String LIBC_ERROR = LibC.ERROR;

    /** The two calls of the C library this needs (JNA direct mapping). */
    private static final class LibC {
        static final String ERROR;

        static {
            String error = null;
            if (!Platform.isLinux() || !Platform.isIntel() || !Platform.is64Bit()) {
                error = "this is " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
            } else {
                try {
                    Native.register(LibC.class, Platform.C_LIBRARY_NAME);
                } catch (LinkageError e) {
                    error = "cannot load the C library: " + e.getMessage();
                }
            }
            ERROR = error;
        }

        private LibC() {}

        static native int open(String path, int flags);

        static native int close(int fd);
    }
}
