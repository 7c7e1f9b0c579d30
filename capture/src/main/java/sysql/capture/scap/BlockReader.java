// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads a capture file block by block: the 8-byte header, then the body and trailer into one reusable buffer.
 * The buffer grows only as bytes actually arrive, so a damaged length field never allocates more than the file
 * holds, and a block larger than {@link #MAX_BLOCK_BYTES} is refused.
 */
final class BlockReader {
    /** Largest block accepted: 256 MiB. */
    static final long MAX_BLOCK_BYTES = 256L << 20;
    /** Header and trailer bytes around every body. */
    static final int FRAMING = 12;

    private final ScapInput in;
    private final byte[] header = new byte[8];
    private byte[] body = new byte[1 << 16];
    private ByteBuffer view = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    private int type;
    private long totalLength;
    private long offset;
    private int bodyLength;

    BlockReader(ScapInput in) {
        this.in = in;
    }

    /**
     * Reads the next block's header.
     *
     * @return false at a clean end of file (not one byte of a new block)
     */
    boolean nextHeader() throws IOException {
        offset = in.offset();
        int n = in.read(header, 0, 8);
        if (n == 0) {
            return false;
        }
        if (n < 8) {
            throw new ScapFormatException(offset, "truncated block header (needs 8 bytes, " + n + " left)");
        }
        type = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16 | (header[3] & 0xff) << 24;
        totalLength = ((header[4] & 0xff)
                | (header[5] & 0xff) << 8
                | (header[6] & 0xff) << 16
                | (long) (header[7] & 0xff) << 24);
        if (totalLength < FRAMING) {
            throw new ScapFormatException(
                    offset,
                    ScapBlocks.describe(type) + " has length " + totalLength + ", less than the " + FRAMING
                            + "-byte minimum");
        }
        if (totalLength > MAX_BLOCK_BYTES) {
            throw new ScapFormatException(
                    offset,
                    ScapBlocks.describe(type) + " claims " + totalLength + " bytes, more than the "
                            + (MAX_BLOCK_BYTES >> 20) + " MiB limit of a block");
        }
        return true;
    }

    /** Reads the body and trailer of the block whose header was just read, and checks the trailer. */
    void readBody() throws IOException {
        int want = (int) (totalLength - 8);
        int got = 0;
        while (got < want) {
            if (got == body.length) {
                body = Arrays.copyOf(body, (int) Math.min(want, body.length * 2L));
                view = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
            }
            int chunk = Math.min(want, body.length) - got;
            int n = in.read(body, got, chunk);
            got += n;
            if (n < chunk) {
                break;
            }
        }
        if (got < want) {
            throw new ScapFormatException(
                    offset,
                    "truncated " + ScapBlocks.describe(type) + " (needs " + totalLength + " bytes, " + (got + 8)
                            + " left)");
        }
        bodyLength = want - 4;
        long trailer = view.getInt(bodyLength) & 0xffffffffL;
        if (trailer != totalLength) {
            throw new ScapFormatException(
                    offset + totalLength - 4,
                    ScapBlocks.describe(type) + " at offset " + offset + " ends with length " + trailer
                            + " but starts with " + totalLength);
        }
    }

    /** Type of the current block. */
    int type() {
        return type;
    }

    /** Total length of the current block, header and trailer included. */
    long totalLength() {
        return totalLength;
    }

    /** Offset of the current block's first byte in the uncompressed stream. */
    long offset() {
        return offset;
    }

    /** Offset of the current block's first body byte. */
    long bodyOffset() {
        return offset + 8;
    }

    /** The body (padding included, trailer excluded) occupies [0, {@link #bodyLength()}) of this array. */
    byte[] bodyArray() {
        return body;
    }

    /** The body as a little-endian view over {@link #bodyArray()} (no position or limit set). */
    ByteBuffer body() {
        return view;
    }

    int bodyLength() {
        return bodyLength;
    }
}
