// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.io.IOException;
import java.io.InputStream;

/**
 * The uncompressed byte stream of a capture file with its own read buffer and a running offset, so that every
 * error can say where it happened. Reads return short only at the end of the stream.
 */
final class ScapInput implements AutoCloseable {
    private static final int BUFFER_SIZE = 1 << 16;

    private final InputStream in;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private int lim;
    private long offset;
    private boolean eof;

    ScapInput(InputStream in) {
        this.in = in;
    }

    /** Bytes consumed so far: the offset of the next byte in the uncompressed stream. */
    long offset() {
        return offset;
    }

    /**
     * Reads {@code len} bytes into {@code dst}, fewer only when the stream ends first.
     *
     * @return the number of bytes read
     */
    int read(byte[] dst, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            if (pos == lim && !refill()) {
                break;
            }
            int n = Math.min(len - done, lim - pos);
            System.arraycopy(buf, pos, dst, off + done, n);
            pos += n;
            done += n;
        }
        offset += done;
        return done;
    }

    /**
     * Copies the next {@code len} bytes (at most the buffer's size) into {@code dst} without consuming them, fewer
     * only when the stream ends first.
     *
     * @return the number of bytes copied
     */
    int peek(byte[] dst, int len) throws IOException {
        if (len > buf.length) {
            throw new IllegalArgumentException("peek of " + len + " bytes, more than the buffer's " + buf.length);
        }
        if (buf.length - pos < len) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        while (lim - pos < len && !eof) {
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                eof = true;
            } else {
                lim += n;
            }
        }
        int k = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, dst, 0, k);
        return k;
    }

    private boolean refill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buf, 0, buf.length);
        while (n == 0) {
            n = in.read(buf, 0, buf.length);
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing useful to do on close
        }
    }
}
