// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

/**
 * An error a user can act on (a capture problem, a bad file, a limit), raised while a query runs. Its message
 * is one line that names the problem and the fix; the JDBC layer shows it as it is.
 */
public final class SysqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SysqlException(String message) {
        super(message);
    }

    public SysqlException(String message, Throwable cause) {
        super(message, cause);
    }
}
