// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import picocli.CommandLine.Option;
import sysql.jdbc.RemoteDriver;

/** Where a remote {@code sysql serve} is and who the user is there (the shell's {@code --url}). */
final class RemoteOptions {
    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "A sysql serve to query instead of this host: http(s)://HOST:PORT.")
    String url;

    @Option(names = "--user", paramLabel = "NAME", description = "User on the server (its --users file).")
    String user;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "File whose first line is the password (else $SYSQL_PASSWORD, else a prompt).")
    Path passwordFile;

    @Option(
            names = "--auth",
            paramLabel = "basic|digest",
            defaultValue = "basic",
            description = "HTTP authentication the server uses (default ${DEFAULT-VALUE}).")
    String auth;

    @Option(
            names = "--truststore",
            paramLabel = "FILE",
            description = "Trust the certificates in this keystore (for https).")
    Path truststore;

    @Option(
            names = "--truststore-password-file",
            paramLabel = "FILE",
            description = "File whose first line is its password.")
    Path truststorePasswordFile;

    private String password;

    boolean isSet() {
        return url != null;
    }

    /** The driver URL (no secrets in it: the password goes as a property). */
    String jdbcUrl() throws SQLException {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new SQLException("--url " + url + " is not an http:// or https:// URL of a sysql serve");
        }
        if (!auth.equalsIgnoreCase("basic") && !auth.equalsIgnoreCase("digest")) {
            throw new SQLException("--auth " + auth + " is not basic or digest");
        }
        StringBuilder sb = new StringBuilder(RemoteDriver.PREFIX)
                .append("url=")
                .append(url)
                .append(";serialization=PROTOBUF");
        if (user != null) {
            sb.append(";authentication=").append(auth.toUpperCase(Locale.ROOT));
        }
        if (truststore != null) {
            sb.append(";truststore=").append(truststore);
            if (truststorePasswordFile != null) {
                sb.append(";truststore_password=").append(firstLine(truststorePasswordFile));
            }
        }
        return sb.toString();
    }

    String user() {
        return user == null ? "" : user;
    }

    /** The password: from the file, the environment or the terminal (asked once). */
    String password() throws SQLException {
        if (user == null) {
            return "";
        }
        if (password == null) {
            if (passwordFile != null) {
                password = firstLine(passwordFile);
            } else if (System.getenv("SYSQL_PASSWORD") != null) {
                password = System.getenv("SYSQL_PASSWORD");
            } else {
                Console console = System.console();
                if (console == null) {
                    throw new SQLException(
                            "no password for " + user + ": give --password-file FILE or set SYSQL_PASSWORD");
                }
                char[] typed = console.readPassword("password for %s at %s: ", user, url);
                password = typed == null ? "" : new String(typed);
            }
        }
        return password;
    }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user());
        p.setProperty("password", password());
        try {
            Class.forName(RemoteDriver.class.getName());
        } catch (ClassNotFoundException e) {
            throw new SQLException("the sysql remote driver is missing from the classpath", e);
        }
        return DriverManager.getConnection(jdbcUrl(), p);
    }

    private static String firstLine(Path f) throws SQLException {
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                    .findFirst()
                    .orElse("")
                    .strip();
        } catch (IOException e) {
            throw new SQLException("cannot read " + f + ": " + e.getMessage());
        }
    }
}
