// SPDX-License-Identifier: Apache-2.0
package sysql.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One large result fetched whole over each JDBC URL given, through a TCP relay on loopback that counts the bytes each
 * way (the same relay for every protocol: HTTP for Avatica, HTTP/2 for Flight SQL): one {@code key=value} line per
 * URL with rows, seconds, rows/s and the bytes on the wire. Every value of every row is read ({@code getObject}), as
 * a client that uses them would. The URL's {@code PORT} is replaced by the relay's port.
 */
@Command(
        name = "wire",
        mixinStandardHelpOptions = true,
        description = "Fetch one query's whole result over JDBC URLs through a byte-counting relay.")
public final class WireBench implements Callable<Integer> {
    @Option(
            names = "--url",
            required = true,
            description = "name=JDBC URL with PORT where the relay's port goes, e.g. "
                    + "protobuf=jdbc:avatica:remote:url=http://127.0.0.1:PORT;serialization=PROTOBUF (repeatable)")
    List<String> urls;

    @Option(
            names = "--target",
            required = true,
            description = "the server's port the relay forwards to, per URL, " + "in the order of --url (repeatable)")
    List<Integer> targets;

    @Option(names = "--sql", required = true, description = "the query")
    String sql;

    @Option(names = "--runs", defaultValue = "2", description = "runs per URL, the first not reported (warm-up)")
    int runs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new WireBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (urls.size() != targets.size()) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "give one --target per --url (" + urls.size() + " URLs)");
        }
        for (int i = 0; i < urls.size(); i++) {
            String[] nameUrl = urls.get(i).split("=", 2);
            for (int run = 0; run < runs; run++) {
                try (Relay relay = new Relay(targets.get(i))) {
                    String url = nameUrl[1].replace("PORT", String.valueOf(relay.port()));
                    long start = System.nanoTime();
                    long rows = 0;
                    long values = 0;
                    if (url.startsWith(FLIGHT_NATIVE)) {
                        long[] counts = flightNative(relay.port(), sql);
                        rows = counts[0];
                        values = counts[1];
                    } else {
                        try (Connection c = DriverManager.getConnection(url);
                                Statement st = c.createStatement();
                                ResultSet rs = st.executeQuery(sql)) {
                            int columns = rs.getMetaData().getColumnCount();
                            while (rs.next()) {
                                rows++;
                                for (int k = 1; k <= columns; k++) {
                                    if (rs.getObject(k) != null) {
                                        values++;
                                    }
                                }
                            }
                        }
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (run > 0 || runs == 1) {
                        System.out.printf(
                                "wire: protocol=%s rows=%d values=%d seconds=%.2f rows_per_s=%.0f "
                                        + "bytes_to_client=%d bytes_to_server=%d bytes_per_row=%.1f%n",
                                nameUrl[0],
                                rows,
                                values,
                                seconds,
                                rows / seconds,
                                relay.toClient.get(),
                                relay.toServer.get(),
                                rows == 0 ? 0.0 : (double) relay.toClient.get() / rows);
                        System.out.flush();
                    }
                }
            }
        }
        return 0;
    }

    /** The URL of the Flight SQL client without JDBC: Arrow's {@code FlightSqlClient}, its batches as they come. */
    static final String FLIGHT_NATIVE = "flight-native://";

    /**
     * The query through Arrow's {@code FlightSqlClient} on the port (no TLS, no auth): rows and non-null values,
     * counted from each batch's vectors, as a columnar client (pandas, Polars, ADBC) takes them.
     */
    @SuppressWarnings("try") // Arrow's close() may throw InterruptedException: the benchmark ends on it anyway
    private static long[] flightNative(int port, String sql) throws Exception {
        long rows = 0;
        long values = 0;
        try (org.apache.arrow.memory.BufferAllocator allocator = new org.apache.arrow.memory.RootAllocator();
                org.apache.arrow.flight.FlightClient client = org.apache.arrow.flight.FlightClient.builder(
                                allocator, org.apache.arrow.flight.Location.forGrpcInsecure("127.0.0.1", port))
                        .build();
                org.apache.arrow.flight.sql.FlightSqlClient flightSql =
                        new org.apache.arrow.flight.sql.FlightSqlClient(client)) {
            org.apache.arrow.flight.FlightInfo info = flightSql.execute(sql);
            for (org.apache.arrow.flight.FlightEndpoint endpoint : info.getEndpoints()) {
                try (org.apache.arrow.flight.FlightStream stream = flightSql.getStream(endpoint.getTicket())) {
                    while (stream.next()) {
                        org.apache.arrow.vector.VectorSchemaRoot root = stream.getRoot();
                        rows += root.getRowCount();
                        for (org.apache.arrow.vector.FieldVector v : root.getFieldVectors()) {
                            values += root.getRowCount() - v.getNullCount();
                        }
                    }
                }
            }
        }
        return new long[] {rows, values};
    }

    /** A loopback TCP relay to a port, counting the bytes each way; each connection relayed by two threads. */
    static final class Relay implements AutoCloseable {
        final AtomicLong toClient = new AtomicLong();
        final AtomicLong toServer = new AtomicLong();
        private final ServerSocket listen;
        private final int target;
        private final Thread acceptor;

        Relay(int target) throws IOException {
            this.target = target;
            listen = new ServerSocket();
            listen.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            acceptor = new Thread(this::accept, "relay-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listen.getLocalPort();
        }

        private void accept() {
            while (!listen.isClosed()) {
                try {
                    Socket client = listen.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                    client.setTcpNoDelay(true);
                    server.setTcpNoDelay(true);
                    pump(client, server, toServer);
                    pump(server, client, toClient);
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void pump(Socket from, Socket to, AtomicLong counter) {
            Thread t = new Thread(
                    () -> {
                        byte[] buffer = new byte[1 << 16];
                        try {
                            // not closed here: closing a socket's stream closes the socket, the other way too
                            InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream();
                            int n;
                            while ((n = in.read(buffer)) > 0) {
                                out.write(buffer, 0, n);
                                counter.addAndGet(n);
                            }
                        } catch (IOException e) {
                            // one side closed
                        } finally {
                            try {
                                to.shutdownOutput();
                            } catch (IOException e) {
                                // closed already
                            }
                        }
                    },
                    "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listen.close();
        }
    }
}
