// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import java.net.ConnectException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSqlException;

/** One-line messages for what goes wrong talking to a {@code sysql serve}. */
final class RemoteErrors {
    /** How Avatica's client begins the message of an error the server sent. */
    private static final String REMOTE_PREFIX = "Remote driver error: ";

    private RemoteErrors() {}

    static String message(Throwable e, String url) {
        String where = url == null ? "the server" : url;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AvaticaSqlException a && a.getErrorMessage() != null) {
                return serverMessage(a.getErrorMessage());
            }
            if (t instanceof ConnectException) {
                return "cannot reach " + where + ": " + t.getMessage() + " (is sysql serve running there?)";
            }
            if (t instanceof AvaticaClientRuntimeException && t.getMessage() != null) {
                return serverMessage(t.getMessage());
            }
            if (t instanceof RemoteHttpClient.Unanswered || t instanceof UnixSocketClient.Failure) {
                return t.getMessage();
            }
            if (t instanceof UnknownHostException) {
                return "cannot reach " + where + ": unknown host " + t.getMessage();
            }
            if (t instanceof SSLException) {
                return "TLS with " + where + " failed: " + t.getMessage() + " (an https:// URL, and the server's "
                        + "certificate in truststore=)";
            }
            String m = String.valueOf(t.getMessage());
            if (m.contains("HTTP/401") || m.contains("401")) {
                if (m.contains("Failed to execute HTTP Request, got HTTP/401")) {
                    return where + " refused the credentials (401): check the user and password";
                }
            }
            if (m.contains("got HTTP/403")) {
                return where + " knows the user but not as one allowed to query (403): ask for one of its --roles";
            }
            if (m.contains("got HTTP/")) {
                return where + " answered " + m.substring(m.indexOf("got HTTP/") + 4);
            }
        }
        Throwable deepest = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                deepest = t;
            }
        }
        return firstLine(String.valueOf(deepest.getMessage()));
    }

    /** The server's own words: Avatica's client wraps them in "Error while executing SQL …: Remote driver error: ". */
    private static String serverMessage(String m) {
        int at = m.indexOf(REMOTE_PREFIX);
        return firstLine(at < 0 ? m : m.substring(at + REMOTE_PREFIX.length()));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
