// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import sysql.jdbc.DaemonSocket;
import sysql.server.ServerLimits;
import sysql.server.SysqlServer;

/**
 * What {@code scripts/cds-archive.sh} runs to record the classes a start of {@code sysql} loads (and, on a JDK 25+,
 * the methods' profiles), for the start-up archive the launcher maps: a query over a capture file in this process (the embedded
 * engine), one over the live host in this process, then the file query as a client of a daemon (serving that
 * file, on a socket of its own), so every kind of start finds its classes in the archive. Not a command of
 * sysql's.
 */
public final class CdsTraining {
    private CdsTraining() {}

    @SuppressWarnings("try") // the server runs while the client queries it
    public static void main(String[] args) throws IOException, SysqlServer.ServeException {
        String file = args[0];
        String sql = "SELECT proc.name, COUNT(*) FROM events GROUP BY proc.name";
        int embedded = Sysql.run("query", "-r", file, sql);
        // the live engine's classes (the probe's loader, JNA, the capture): where this process may not capture
        // (no root, no BPF) it fails with its one-line error, and the classes of the way there are still listed
        Sysql.run("query", "--engine", "embedded", "SELECT COUNT(*) FROM processes");
        Path dir = Files.createTempDirectory("sysql-cds");
        Path socket = dir.resolve("sysql.sock");
        Properties engine = new Properties();
        engine.setProperty("file", file);
        int client;
        try (SysqlServer server = SysqlServer.start(
                SysqlServer.Options.daemon(ServerLimits.defaults(), engine, socket, DaemonSocket.DEFAULT_GROUP))) {
            client = Sysql.run("query", "--engine", "daemon", "--socket", socket.toString(), sql);
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
        System.exit(embedded != 0 ? embedded : client);
    }
}
