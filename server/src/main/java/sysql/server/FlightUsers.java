// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.BasicCallHeaderAuthenticator;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;
import org.eclipse.jetty.util.security.Credential;

/**
 * The Flight SQL endpoint's check of a user name and password: the same Jetty realm file and roles as HTTP basic
 * authentication ({@code name: password,role,…}; the password plain, or {@code MD5:}, {@code CRYPT:}, {@code OBF:}
 * as Jetty reads it), read at each login so an edit of the file applies as it does for HTTP. A wrong name or
 * password is UNAUTHENTICATED, a user without one of the roles PERMISSION_DENIED, each in one line; failed logins of a
 * user name back off as HTTP's do ({@link LoginBackoff}'s failures per user, with the same --max-login-failures
 * settings).
 */
final class FlightUsers implements BasicCallHeaderAuthenticator.CredentialValidator {
    private final Path file;
    private final List<String> roles;
    private final LoginBackoff.Failures failures; // null: no back-off

    FlightUsers(Path file, List<String> roles, TransportLimits limits) {
        this.file = file;
        this.roles = List.copyOf(roles);
        this.failures = limits.maxLoginFailures() > 0
                ? new LoginBackoff.Failures(
                        limits.maxLoginFailures(),
                        limits.loginBackoff().toNanos(),
                        limits.maxLoginBackoff().toNanos())
                : null;
    }

    @Override
    public CallHeaderAuthenticator.AuthResult validate(String user, String password) {
        long now = System.nanoTime();
        long wait = failures == null || user == null ? 0 : failures.waiting(user, now);
        if (wait > 0) {
            // as HTTP's LoginBackoff, per user name: the password is not even checked
            throw CallStatus.UNAUTHENTICATED
                    .withDescription("too many failed logins as " + user + ": try again in "
                            + Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(wait)) + " s")
                    .toRuntimeException();
        }
        try {
            CallHeaderAuthenticator.AuthResult r = check(user, password);
            if (failures != null) {
                failures.forget(user);
            }
            return r;
        } catch (RuntimeException e) {
            if (failures != null && user != null) {
                failures.failed(user, now);
            }
            throw e;
        }
    }

    private CallHeaderAuthenticator.AuthResult check(String user, String password) {
        Properties entries = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            entries.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw CallStatus.UNAVAILABLE
                    .withDescription("the server cannot read its users file: ask its administrator")
                    .toRuntimeException();
        }
        String entry = user == null ? null : entries.getProperty(user);
        String[] fields = entry == null ? new String[0] : entry.split(",");
        if (fields.length == 0
                || password == null
                || !Credential.getCredential(fields[0].strip()).check(password)) {
            throw CallStatus.UNAUTHENTICATED
                    .withDescription("wrong user name or password: give a user of the server's users file")
                    .toRuntimeException();
        }
        boolean allowed = Arrays.stream(fields).skip(1).map(String::strip).anyMatch(roles::contains);
        if (!allowed) {
            throw CallStatus.UNAUTHORIZED
                    .withDescription("the user " + user + " has none of the roles this server lets query ("
                            + String.join(",", roles) + "): ask its administrator")
                    .toRuntimeException();
        }
        return () -> user;
    }
}
