// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

/**
 * A damaged or unsupported spot in a capture file: the byte offset (in the uncompressed stream) and the problem.
 * Internal to the reader; {@link ScapFileSource} turns it into a {@code CaptureException} that names the file.
 */
final class ScapFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long offset;
    private final String problem;

    ScapFormatException(long offset, String problem) {
        super(problem + " at offset " + offset);
        this.offset = offset;
        this.problem = problem;
    }

    long offset() {
        return offset;
    }

    String problem() {
        return problem;
    }
}
