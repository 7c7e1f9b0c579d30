// SPDX-License-Identifier: Apache-2.0
package sysql.fleet.flink;

import java.io.IOException;

/**
 * A Kafka record the {@code sysql-arrow} format cannot turn into rows: it is not an Arrow IPC stream
 * ({@link #isParseError()} true), or one of its Arrow vectors does not fit the type of the Flink column of the same
 * name. The message is one line and says what to change.
 */
public final class SysqlArrowFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean parseError;

    SysqlArrowFormatException(String message, boolean parseError) {
        super(message);
        this.parseError = parseError;
    }

    /** True if the record is not an Arrow IPC stream (what {@code sysql-arrow.ignore-parse-errors} skips). */
    public boolean isParseError() {
        return parseError;
    }
}
