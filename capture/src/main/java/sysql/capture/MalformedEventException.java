// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

/** An event whose lengths do not add up, or that runs past its buffer. */
public final class MalformedEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedEventException(String message) {
        super(message);
    }
}
