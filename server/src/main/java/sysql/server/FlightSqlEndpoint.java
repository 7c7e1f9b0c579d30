// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BasicCallHeaderAuthenticator;
import org.apache.arrow.flight.auth2.GeneratedBearerTokenAuthenticator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * {@code sysql serve --flight-sql PORT}: Arrow Flight SQL (gRPC on Netty) beside the Avatica endpoint, over the same
 * {@link SysqlMeta} (so the same read-only rule, statement time limit, per-user limits, buffers and memory guard).
 * Who asks is the same as for HTTP: with {@code --auth basic}, a user of the realm file with one of the roles
 * ({@link FlightUsers}, Flight's basic-then-bearer-token headers); without it, a loopback client's local user as the
 * kernel finds its socket ({@link LocalPeers}: root, the server's user, the group's members), or with
 * {@code --insecure} each address. With {@code --tls-keystore}, TLS from the same keystore (its key and chain
 * handed to gRPC as PEM).
 */
final class FlightSqlEndpoint implements AutoCloseable {
    /** The caller of the gRPC call being served (without --auth), for {@link SysqlFlightProducer}. */
    static final Context.Key<String> CALLER = Context.key("sysql.caller");

    private final FlightServer server;
    private final SysqlFlightProducer producer;
    private final BufferAllocator allocator;

    private FlightSqlEndpoint(FlightServer server, SysqlFlightProducer producer, BufferAllocator allocator) {
        this.server = server;
        this.producer = producer;
        this.allocator = allocator;
    }

    /**
     * Refuses, in one line, a JVM that does not open java.nio to Arrow: asked before Arrow's memory is touched, whose
     * own failure prints a stack trace.
     */
    static void requireOpenNio() throws SysqlServer.ServeException {
        if (!java.nio.ByteBuffer.class.getModule().isOpen("java.nio", FlightSqlEndpoint.class.getModule())) {
            throw new SysqlServer.ServeException("--flight-sql needs Java started with "
                    + "--add-opens=java.base/java.nio=ALL-UNNAMED for Arrow's memory (the sysql launcher gives it)");
        }
    }

    static FlightSqlEndpoint start(SysqlServer.Options o, SysqlMeta meta, Properties engine)
            throws SysqlServer.ServeException {
        requireOpenNio();
        BufferAllocator allocator;
        try {
            allocator = new RootAllocator();
        } catch (LinkageError | RuntimeException e) {
            throw new SysqlServer.ServeException("--flight-sql needs Java started with "
                    + "--add-opens=java.base/java.nio=ALL-UNNAMED for Arrow's memory (the sysql launcher gives it)");
        }
        SysqlFlightProducer producer;
        try {
            producer = new SysqlFlightProducer(meta, o.limits(), engine, allocator, o.auth() != SysqlServer.Auth.NONE);
        } catch (SQLException e) {
            allocator.close();
            throw new SysqlServer.ServeException(e.getMessage());
        }
        ServerInterceptor callers = callers(o);
        Consumer<NettyServerBuilder> grpc = b -> b.intercept(callers);
        Location location = o.tlsKeystore() != null
                ? Location.forGrpcTls(o.bind(), o.flightSqlPort())
                : Location.forGrpcInsecure(o.bind(), o.flightSqlPort());
        FlightServer.Builder b =
                FlightServer.builder(allocator, location, producer).transportHint("grpc.builderConsumer", grpc);
        if (o.tlsKeystore() != null) {
            try {
                Pem pem = Pem.of(o.tlsKeystore(), o.tlsPassword());
                b.useTls(new ByteArrayInputStream(pem.chain()), new ByteArrayInputStream(pem.key()));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                producer.close();
                allocator.close();
                throw new SysqlServer.ServeException("cannot serve Flight SQL over TLS with the keystore "
                        + o.tlsKeystore() + ": " + rootMessage(e) + " (check --tls-keystore and --tls-password-file)");
            }
        }
        if (o.auth() == SysqlServer.Auth.BASIC) {
            FlightUsers users = new FlightUsers(o.users(), o.roles(), o.transport());
            b.headerAuthenticator(new GeneratedBearerTokenAuthenticator(new BasicCallHeaderAuthenticator(users)));
        }
        FlightServer server = b.build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            producer.close();
            allocator.close();
            throw new SysqlServer.ServeException("cannot listen for Flight SQL on " + o.bind() + ":" + o.flightSqlPort()
                    + ": " + rootMessage(e) + " (choose another --flight-sql port or --bind)");
        }
        return new FlightSqlEndpoint(server, producer, allocator);
    }

    /** The keystore's first key and its certificate chain, as the PEM text Flight's TLS takes. */
    record Pem(byte[] chain, byte[] key) {
        static Pem of(java.nio.file.Path keystore, String password) throws IOException, GeneralSecurityException {
            char[] pw = password == null ? new char[0] : password.toCharArray();
            KeyStore ks = KeyStore.getInstance(keystore.toFile(), pw); // PKCS12 or JKS, as the file says
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias) && ks.getKey(alias, pw) instanceof PrivateKey key) {
                    StringBuilder chain = new StringBuilder();
                    for (Certificate c : ks.getCertificateChain(alias)) {
                        chain.append(pem("CERTIFICATE", c.getEncoded()));
                    }
                    return new Pem(
                            chain.toString().getBytes(StandardCharsets.US_ASCII),
                            pem("PRIVATE KEY", key.getEncoded()).getBytes(StandardCharsets.US_ASCII));
                }
            }
            throw new KeyStoreException("it holds no private key");
        }

        private static String pem(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type
                    + "-----\n";
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /**
     * Names each call's caller, as the HTTP front end does: without --auth, the loopback client's local user (others
     * refused in one line) or, with --insecure, its address; with --auth the producer takes the authenticated user.
     */
    private static ServerInterceptor callers(SysqlServer.Options o) {
        if (o.auth() != SysqlServer.Auth.NONE) {
            return new ServerInterceptor() {
                @Override
                public <Q, R> ServerCall.Listener<Q> interceptCall(
                        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                    return next.startCall(call, headers);
                }
            };
        }
        String group = o.socketGroup() != null ? o.socketGroup() : sysql.jdbc.DaemonSocket.DEFAULT_GROUP;
        LocalPeers peers = new LocalPeers(group);
        boolean insecure = o.insecure();
        Map<String, String> known = new ConcurrentHashMap<>(); // by the TCP connection's two ends
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                SocketAddress local = call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
                String caller;
                if (!(remote instanceof InetSocketAddress r) || !(local instanceof InetSocketAddress l)) {
                    caller = "!the client's address is unknown";
                } else if (insecure) {
                    caller = Caller.address(r.getAddress().getHostAddress());
                } else {
                    String key = r + "|" + l;
                    caller = known.get(key);
                    if (caller == null) {
                        caller = peers.caller(uid(r, l));
                        if (known.size() > 4096) {
                            known.clear(); // a cache of connections' users, bounded
                        }
                        known.put(key, caller);
                    }
                }
                if (caller.startsWith("!")) {
                    call.close(Status.PERMISSION_DENIED.withDescription(caller.substring(1)), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
            }
        };
    }

    private static int uid(InetSocketAddress remote, InetSocketAddress local) {
        try {
            return LocalPeers.uidOf(remote.getAddress(), remote.getPort(), local.getAddress(), local.getPort());
        } catch (IOException e) {
            return -1;
        }
    }

    int port() {
        return server.getPort();
    }

    /** Statements Flight SQL clients hold now (a test's view). */
    int openStatements() {
        return producer.openStatements();
    }

    @Override
    public void close() {
        producer.stopAll();
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        try {
            allocator.close();
        } catch (RuntimeException e) {
            // a stream's batch still held at shutdown: the process is going anyway
        }
    }
}
