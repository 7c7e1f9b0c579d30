// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.Await;
import sysql.testing.Privileges;
import sysql.testing.TestData;

/**
 * {@code sysql serve}'s transport limits, without root (servers over a capture file, basic auth): 250 slow bodies
 * and 2,000 wrong passwords do not delay another user's query past a second (bodies are read without a thread,
 * guesses back off); headers that do not finish within the read timeout close the connection; a body slower than
 * the minimum rate gets 408 and one larger than the limit 413 before it is read; past the connection cap a client
 * waits while the open connections still work, and past its own cap a connection from one address is closed while
 * other addresses get in; one user's requests in flight are capped (429); failed logins back
 * off per user and per address (429 with Retry-After, even for the right password), and the right password works
 * once the wait is over. Every refusal is one line.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransportLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    static Path dir;

    static Path users;
    static HttpClient http;
    /** Read timeout of 1 s, two requests per user at once. */
    static SysqlServer tight;

    @BeforeAll
    static void start() throws Exception {
        users = dir.resolve("users.properties");
        Files.writeString(
                users,
                "alice: alicepw,sysql\nbob: bobpw,sysql\nmallory: mallorypw,sysql\ndave: davepw,sysql\n"
                        + "erin: erinpw,sysql\n");
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        tight = start(limits(64, 2, READ_TIMEOUT));
    }

    @AfterAll
    static void stop() {
        if (tight != null) {
            tight.close();
        }
    }

    static TransportLimits limits(int connections, int perUser, Duration readTimeout) {
        return limits(connections, perUser, readTimeout, Duration.ofSeconds(1), BodyBudget.defaultBytes());
    }

    /**
     * 1024 bytes/s, 30 s keep-alive, 5 failed logins then {@code loginBackoff} doubling up to 60 s; no cap per
     * address but the cap in all (these clients all come from 127.0.0.1).
     */
    static TransportLimits limits(
            int connections, int perUser, Duration readTimeout, Duration loginBackoff, long maxBodyBytes) {
        return new TransportLimits(
                connections,
                perUser,
                readTimeout,
                1024,
                Duration.ofSeconds(30),
                5,
                loginBackoff,
                Duration.ofSeconds(60),
                maxBodyBytes,
                connections);
    }

    /** {@link #limits(int, int, Duration)}'s, with at most {@code perAddress} connections from one address. */
    static TransportLimits limitsPerAddress(int connections, int perAddress, int perUser, Duration readTimeout) {
        return limits(connections, perUser, readTimeout).withMaxConnectionsPerAddress(perAddress);
    }

    static SysqlServer start(TransportLimits transport) throws SysqlServer.ServeException {
        Properties engine = new Properties();
        engine.setProperty(
                "file",
                TestData.scap("falco_cat_write.scap")
                        .toAbsolutePath()
                        .normalize()
                        .toString());
        return SysqlServer.start(new SysqlServer.Options(
                "127.0.0.1",
                0,
                SysqlServer.Auth.BASIC,
                users,
                List.of("sysql"),
                null,
                null,
                false,
                ServerLimits.defaults(),
                engine,
                transport));
    }

    static String basic(String user, String password) {
        return "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.ISO_8859_1));
    }

    static HttpResponse<String> post(SysqlServer s, String user, String password, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(s.url()))
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .header("Content-Type", "application/json")
                        .header("Authorization", basic(user, password))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A refusal: one line of text, no stack trace. */
    static void oneLine(String body, String startsWith) {
        assertTrue(body.startsWith(startsWith), body);
        assertFalse(body.strip().contains("\n") || body.strip().contains("\r"), "more than one line: " + body);
        WireHygieneTest.noStackTrace(body);
    }

    // ---- raw HTTP, for what no client library sends: slow headers, slow bodies, a huge Content-Length ----

    static Socket connect(SysqlServer s) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", s.port()), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    static String headers(String user, String password, long contentLength) {
        return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: "
                + basic(user, password) + "\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    /** A whole request: {@code {}} (a 400 answer of Avatica's protocol, quickly). */
    static String request(String user, String password) {
        return headers(user, password, 2) + "{}";
    }

    record Answer(int status, Map<String, String> headers, String body) {}

    static Answer read(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed before an answer: " + head);
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> fields = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                fields.put(
                        lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        int length = Integer.parseInt(fields.getOrDefault("content-length", "0"));
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), fields, body);
    }

    /** Milliseconds until the server closes {@code s} (reading and dropping what it sends), failing after 10 s. */
    static long closedAfter(Socket s, long since) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // an answer before the close
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after " + (System.nanoTime() - since) / 1_000_000 + " ms", e);
        } catch (IOException e) {
            // reset: closed too
        }
        return (System.nanoTime() - since) / 1_000_000;
    }

    // ---- the tests ----

    /**
     * 250 clients send the headers of a large body and then a byte every two seconds, and 2,000 wrong passwords
     * come in from 16 clients; meanwhile another user's simple query over JSON answers within a second. Before the
     * limits, each slow body held one of Jetty's 200 threads (another client's query waited for a minute).
     */
    @Test
    void slowBodiesAndPasswordGuessesDoNotDelayAnotherUsersQuery() throws Exception {
        try (SysqlServer s = start(limits(1024, 250, Duration.ofSeconds(30)))) {
            assertTrue(query(s, "warm-up") < 5000);
            List<Socket> slow = new ArrayList<>();
            ExecutorService guessers = Executors.newFixedThreadPool(16);
            try {
                for (int i = 0; i < 250; i++) {
                    Socket socket = connect(s);
                    slow.add(socket);
                    send(socket, headers("mallory", "mallorypw", 1_000_000) + "{");
                }
                fill(s, slow, "mallory", "mallorypw", 1_000_000);
                AtomicInteger refused = new AtomicInteger();
                AtomicInteger checked = new AtomicInteger();
                AtomicReference<String> refusal = new AtomicReference<>();
                List<Future<?>> guesses = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    String user = i % 2 == 0 ? "alice" : "guess" + i;
                    String password = "wrong" + i;
                    guesses.add(guessers.submit(() -> {
                        HttpResponse<String> r = post(s, user, password, "{}");
                        if (r.statusCode() == 429) {
                            refused.incrementAndGet();
                            refusal.compareAndSet(
                                    null,
                                    r.body() + "|"
                                            + r.headers()
                                                    .firstValue("Retry-After")
                                                    .orElse(""));
                        } else {
                            assertEquals(401, r.statusCode(), r.body());
                            checked.incrementAndGet();
                        }
                        return null;
                    }));
                }
                // a byte every two seconds on each slow body while bob queries
                AtomicLong worst = new AtomicLong();
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                long nextTrickle = 0;
                for (int q = 0; System.nanoTime() < until || q < 5; q++) {
                    if (System.nanoTime() > nextTrickle) {
                        for (Socket socket : slow) {
                            send(socket, " ");
                        }
                        nextTrickle = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    }
                    worst.accumulateAndGet(query(s, "bob-" + q), Math::max);
                }
                for (Future<?> f : guesses) {
                    f.get(30, TimeUnit.SECONDS);
                }
                assertTrue(worst.get() < 1000, "bob's slowest request took " + worst.get() + " ms");
                assertEquals(2000, refused.get() + checked.get());
                // the guesses backed off: most were refused without checking their password
                assertTrue(refused.get() >= 1800, refused.get() + " of 2000 guesses refused");
                String[] r = refusal.get().split("\\|");
                oneLine(r[0], "HTTP 429: too many failed logins");
                assertTrue(Integer.parseInt(r[1]) >= 1, refusal.get());
                // the slow bodies were never answered, and hold no thread: each still waits
                assertEquals(0, slow.get(0).getInputStream().available());
            } finally {
                guessers.shutdownNow();
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    /**
     * Waits until every request of {@code slow} (headers and the body's first byte, sent) is in the server and fills
     * {@code user}'s cap: until the user's next request gets 429. A slow one that came while such a probe was in flight
     * got the 429 instead: it is sent again.
     */
    static void fill(SysqlServer s, List<Socket> slow, String user, String password, long length) throws Exception {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        Await.until(
                () -> {
                    for (int i = 0; i < slow.size(); i++) {
                        if (slow.get(i).getInputStream().available() > 0) {
                            slow.get(i).close();
                            slow.set(i, connect(s));
                            send(slow.get(i), headers(user, password, length) + "{");
                        }
                    }
                    last.set(post(s, user, password, "{}"));
                    return last.get().statusCode() == 429;
                },
                Duration.ofSeconds(20),
                () -> "the slow requests never filled " + user + "'s cap: "
                        + last.get().statusCode());
        oneLine(last.get().body(), "HTTP 429: too many requests of this user at once (at most " + slow.size() + ")");
        assertEquals("1", last.get().headers().firstValue("Retry-After").orElse(null));
    }

    /** Bob's simple query over JSON (open, statement, VALUES 1, close); its slowest request in milliseconds. */
    static long query(SysqlServer s, String connection) throws Exception {
        long worst = 0;
        long t = System.nanoTime();
        HttpResponse<String> r =
                post(s, "bob", "bobpw", "{\"request\":\"openConnection\",\"connectionId\":\"" + connection + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        worst = Math.max(worst, (System.nanoTime() - t) / 1_000_000);
        t = System.nanoTime();
        r = post(s, "bob", "bobpw", "{\"request\":\"createStatement\",\"connectionId\":\"" + connection + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        worst = Math.max(worst, (System.nanoTime() - t) / 1_000_000);
        int id = JSON.readTree(r.body()).get("statementId").asInt();
        t = System.nanoTime();
        r = post(
                s,
                "bob",
                "bobpw",
                "{\"request\":\"prepareAndExecute\",\"connectionId\":\"" + connection + "\",\"statementId\":" + id
                        + ",\"maxRowCount\":-1,\"maxRowsInFirstFrame\":100,\"sql\":\"VALUES 1\"}");
        assertEquals(200, r.statusCode(), r.body());
        worst = Math.max(worst, (System.nanoTime() - t) / 1_000_000);
        JsonNode frame = JSON.readTree(r.body()).at("/results/0/firstFrame");
        assertEquals(1, frame.get("rows").size(), r.body());
        r = post(s, "bob", "bobpw", "{\"request\":\"closeConnection\",\"connectionId\":\"" + connection + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        return worst;
    }

    /** Headers must be complete within the read timeout: a silent connection and a slow one are closed. */
    @Test
    void headersNotCompleteWithinTheReadTimeoutCloseTheConnection() throws Exception {
        try (Socket silent = connect(tight);
                Socket trickle = connect(tight);
                Socket keptAlive = connect(tight)) {
            long start = System.nanoTime();
            send(trickle, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            // a complete request first: the connection then idles between requests (the keep-alive timeout's)
            send(keptAlive, request("bob", "bobpw"));
            assertEquals(400, read(keptAlive).status());
            Thread trickler = new Thread(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        Thread.sleep(200);
                        send(trickle, "X-Slow-" + i + ": 1\r\n");
                    }
                } catch (IOException | InterruptedException e) {
                    // closed, as it should be
                }
            });
            trickler.start();
            long silentClosed = closedAfter(silent, start);
            long trickleClosed = closedAfter(trickle, start);
            trickler.interrupt();
            assertTrue(silentClosed >= 900 && silentClosed < 3000, "closed after " + silentClosed + " ms");
            assertTrue(trickleClosed >= 900 && trickleClosed < 3000, "closed after " + trickleClosed + " ms");
            // idle between requests past the read timeout, the kept-alive connection still serves
            assertTrue(System.nanoTime() - start > READ_TIMEOUT.toNanos());
            send(keptAlive, request("bob", "bobpw"));
            assertEquals(400, read(keptAlive).status());
            // and its next request's headers have the read timeout from their first byte
            long second = System.nanoTime();
            send(keptAlive, "POST / HTTP/1.1\r\n");
            long closed = closedAfter(keptAlive, second);
            assertTrue(closed < 3000, "closed after " + closed + " ms");
        }
    }

    /**
     * A body must come at the minimum rate once the read timeout has passed (else 408), and a Content-Length past the
     * limit is refused (413) before a byte of it is read; a body in two parts within the time is answered.
     */
    @Test
    void aSlowBodyGets408AndAHugeOne413AtOnce() throws Exception {
        try (Socket huge = connect(tight);
                Socket silent = connect(tight);
                Socket trickle = connect(tight);
                Socket parts = connect(tight)) {
            long start = System.nanoTime();
            send(huge, headers("bob", "bobpw", 1_000_000_000_000L));
            Answer a = read(huge);
            assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(900), "413 came late");
            assertEquals(413, a.status());
            oneLine(a.body(), "HTTP 413: requests are limited to " + BothSerializations.MAX_REQUEST_BYTES + " bytes");
            closedAfter(huge, start);

            start = System.nanoTime();
            send(silent, headers("bob", "bobpw", 100) + "{");
            send(trickle, headers("erin", "erinpw", 100) + "{");
            send(parts, headers("dave", "davepw", 2) + "{");
            Thread.sleep(200);
            send(parts, "}");
            assertEquals(400, read(parts).status()); // {} is no Avatica request: answered, not timed out
            for (int i = 0; i < 4; i++) {
                Thread.sleep(200);
                send(trickle, " ");
            }
            for (Socket s : List.of(silent, trickle)) {
                a = read(s);
                long took = (System.nanoTime() - start) / 1_000_000;
                assertEquals(408, a.status(), a.body());
                oneLine(a.body(), "HTTP 408: the request body came slower than 1024 bytes a second");
                assertTrue(took >= 900 && took < 3000, "408 after " + took + " ms");
                closedAfter(s, start);
            }
            // their requests are over: bob, erin and dave may send two at once again
            assertEquals(400, post(tight, "bob", "bobpw", "{}").statusCode());
        }
    }

    /**
     * The minimum rate holds in every window of the read timeout: a body whose first 200 KB came at once and then
     * nothing gets 408 within a few windows, not after the 200 s its first bytes would have bought on an average.
     */
    @Test
    void bytesSentFastAtFirstDoNotBuyTimeLater() throws Exception {
        try (Socket front = connect(tight)) {
            long start = System.nanoTime();
            send(front, headers("alice", "alicepw", 1 << 20) + " ".repeat(200_000));
            Answer a = read(front);
            long took = (System.nanoTime() - start) / 1_000_000;
            assertEquals(408, a.status(), a.body());
            oneLine(a.body(), "HTTP 408: the request body came slower than 1024 bytes a second");
            assertTrue(took >= 1900 && took < 5000, "408 after " + took + " ms");
        }
    }

    /**
     * The bodies the server holds at once have a budget over every connection: past it the body that does not fit
     * gets 503 (one line, Retry-After) and its connection closes; a body that ends gives its bytes back.
     */
    @Test
    void bodiesHeldAtOnceHaveOneBudget() throws Exception {
        TransportLimits transport = limits(64, 16, Duration.ofSeconds(10), Duration.ofSeconds(1), 64 << 10);
        try (SysqlServer s = start(transport)) {
            Answer refused;
            try (Socket first = connect(s);
                    Socket second = connect(s)) {
                send(first, headers("alice", "alicepw", 1 << 20) + " ".repeat(48 << 10));
                Thread.sleep(300); // its bytes are read (and held) before the second body's
                long start = System.nanoTime();
                send(second, headers("bob", "bobpw", 1 << 20) + " ".repeat(32 << 10));
                refused = read(second);
                closedAfter(second, start);
            }
            assertEquals(503, refused.status(), refused.body());
            oneLine(refused.body(), "HTTP 503: the server holds too many request bodies at once (65536 bytes): retry");
            assertEquals("1", refused.headers().get("retry-after"));
            // both are closed: their bytes are given back, and a 40 KB body fits again
            String padded = "{}" + " ".repeat(40 << 10);
            Await.until(
                    () -> post(s, "dave", "davepw", padded).statusCode() == 400,
                    Duration.ofSeconds(5),
                    "the closed bodies' bytes were never given back");
        }
    }

    /** Past the connection cap a client waits to be accepted; the open connections still work meanwhile. */
    @Test
    void pastTheConnectionCapAClientWaitsWhileOpenConnectionsWork() throws Exception {
        try (SysqlServer s = start(limits(4, 16, Duration.ofSeconds(10)))) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket socket = connect(s);
                    open.add(socket);
                    send(socket, request("bob", "bobpw"));
                    assertEquals(400, read(socket).status());
                }
                Socket extra = connect(s); // the kernel's listen queue takes it; the server does not
                open.add(extra);
                send(extra, request("alice", "alicepw"));
                extra.setSoTimeout(1000);
                assertThrows(SocketTimeoutException.class, () -> read(extra));
                // an open connection still answers
                send(open.get(0), request("bob", "bobpw"));
                assertEquals(400, read(open.get(0)).status());
                // one closes: the waiting client is let in and answered
                open.get(1).close();
                extra.setSoTimeout(10_000);
                assertEquals(400, read(extra).status());
            } finally {
                for (Socket socket : open) {
                    socket.close();
                }
            }
        }
    }

    /**
     * One client holds at most its share of the connections: past it, a connection of that client is closed at once
     * (it is not left waiting, and no open one is dropped), the client's open connections still work, another client
     * is still let in and answered, and once the client closes its connections it gets in again. On loopback the
     * client is the local user: root's connections from 127.0.0.2 fill its share, so one from 127.0.0.3 is closed
     * too, while the user nobody on 127.0.0.2 is answered. Before, one address could take all the connections the
     * server accepts (and every other client waited); then every local user shared one share per 127.x address, so
     * one user could take another's, and get more by connecting from other 127.x addresses. Root: to be nobody.
     */
    @Test
    void oneClientHoldsAtMostItsShareOfTheConnections() throws Exception {
        Privileges.requireRoot("to connect as the user nobody (setpriv)");
        try (SysqlServer s = start(limitsPerAddress(16, 4, 16, Duration.ofSeconds(10)))) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket socket = connectFrom(s, "127.0.0.2");
                    open.add(socket);
                    send(socket, request("bob", "bobpw"));
                    assertEquals(400, read(socket).status());
                }
                for (String source : List.of("127.0.0.2", "127.0.0.3", "127.0.0.1")) {
                    Socket extra = connectFrom(s, source); // accepted by the kernel, then closed by the server
                    open.add(extra);
                    extra.setSoTimeout(3000); // well under the read timeout (10 s), which would close it too
                    long start = System.nanoTime();
                    long closed = closedAfter(extra, start);
                    assertTrue(closed < 3000, source + ": closed after " + closed + " ms");
                }
                // the client's open connections still work
                for (Socket socket : open.subList(0, 4)) {
                    send(socket, request("bob", "bobpw"));
                    assertEquals(400, read(socket).status());
                }
                // another local user is let in and answered, from the address just refused to root
                String nobody = asNobody(s);
                assertTrue(nobody.startsWith("HTTP/1.1 400"), "nobody was not answered: " + nobody);
                // the client closes its connections: it is let in again, once the server has seen them close
                for (Socket socket : open) {
                    socket.close();
                }
                open.clear();
                Await.until(
                        () -> {
                            try {
                                return postFrom(s, "127.0.0.3", "bob", "bobpw").status() == 400;
                            } catch (IOException e) {
                                return false; // closed: the server still counts a closed one
                            }
                        },
                        Duration.ofSeconds(10),
                        "root was never let in again after closing its connections");
                for (int i = 0; i < 4; i++) {
                    Socket socket = connectFrom(s, "127.0.0.2");
                    open.add(socket);
                    send(socket, request("bob", "bobpw"));
                    assertEquals(400, read(socket).status(), "connection " + i + " after the close");
                }
            } finally {
                for (Socket socket : open) {
                    socket.close();
                }
            }
        }
    }

    /** The status line of the answer to one {@link #request} as the user nobody from 127.0.0.1 (bash's /dev/tcp). */
    private static String asNobody(SysqlServer s) throws Exception {
        Process p = new ProcessBuilder(
                        "setpriv",
                        "--reuid=65534",
                        "--regid=65534",
                        "--clear-groups",
                        "bash",
                        "-c",
                        "exec 3<>/dev/tcp/127.0.0.1/" + s.port() + " && printf %s \"$0\" >&3"
                                + " && IFS= read -r -t 5 line <&3; printf '%s\\n' \"$line\"",
                        request("bob", "bobpw"))
                .redirectErrorStream(true)
                .start();
        String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "setpriv did not end");
        return answer;
    }

    /**
     * The per-client count: a connection past the cap is closed and never uncounted, a connection is uncounted once,
     * another address has its own count, and a client's entry is gone once its last connection closed. An IPv6
     * client counts as its /64: addresses inside one /64 share its count (a host rotating its addresses gets no
     * more), another /64 has its own.
     */
    @Test
    void connectionsPerClientAreCountedOnceAndForgotten() throws Exception {
        TransportLimits.AddressConnectionLimit limit = new TransportLimits.AddressConnectionLimit(2);
        InetAddress a = InetAddress.getByName("192.0.2.7");
        InetAddress b = InetAddress.getByName("192.0.2.8");
        AtomicInteger closes = new AtomicInteger();
        Connection a1 = connection(a, closes);
        Connection a2 = connection(a, closes);
        Connection a3 = connection(a, closes);
        Connection b1 = connection(b, closes);
        limit.onOpened(a1);
        limit.onOpened(a2);
        limit.onOpened(b1);
        assertEquals(0, closes.get());
        limit.onOpened(a3);
        assertEquals(1, closes.get(), "the third connection of an address with two is closed");
        limit.onClosed(a3);
        assertEquals(2, limit.open("192.0.2.7"), "a refused connection is not uncounted");
        limit.onClosed(a1);
        limit.onClosed(a1);
        assertEquals(1, limit.open("192.0.2.7"), "a connection is uncounted once");
        limit.onClosed(a2);
        limit.onClosed(b1);
        assertEquals(0, limit.addresses());

        closes.set(0);
        Connection v1 = connection(InetAddress.getByName("2001:db8:1:2::7"), closes);
        Connection v2 = connection(InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:ffff"), closes);
        Connection v3 = connection(InetAddress.getByName("2001:db8:1:2:a:b:c:d"), closes);
        Connection other = connection(InetAddress.getByName("2001:db8:1:3::7"), closes);
        limit.onOpened(v1);
        limit.onOpened(v2);
        limit.onOpened(other);
        assertEquals(0, closes.get());
        assertEquals(2, limit.open("2001:db8:1:2:0:0:0:0/64"));
        limit.onOpened(v3);
        assertEquals(1, closes.get(), "a third address of a /64 with two connections is closed");
        assertEquals(1, limit.open("2001:db8:1:3:0:0:0:0/64"), "another /64 counts apart");
    }

    /** A connection from {@code address} whose closes are counted in {@code closes}. */
    private static Connection connection(InetAddress address, AtomicInteger closes) {
        EndPoint endPoint = (EndPoint) java.lang.reflect.Proxy.newProxyInstance(
                TransportLimitsTest.class.getClassLoader(),
                new Class<?>[] {EndPoint.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddress" -> new InetSocketAddress(address, 40000);
                    case "getLocalAddress" -> new InetSocketAddress(address, 8765);
                    case "close" -> {
                        closes.incrementAndGet();
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(
                TransportLimitsTest.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getEndPoint" -> endPoint;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** One user's requests in flight are capped (429, one line); another user is served meanwhile. */
    @Test
    void aUsersRequestsInFlightAreCapped() throws Exception {
        try (SysqlServer s = start(limits(64, 2, Duration.ofSeconds(30)))) {
            List<Socket> slow = new ArrayList<>(List.of(connect(s), connect(s)));
            try {
                for (Socket socket : slow) {
                    send(socket, headers("mallory", "mallorypw", 2) + "{");
                }
                fill(s, slow, "mallory", "mallorypw", 2); // 429, one line, Retry-After
                assertEquals(400, post(s, "bob", "bobpw", "{}").statusCode());
                // one of hers is answered: she may send again
                send(slow.get(0), "}");
                assertEquals(400, read(slow.get(0)).status());
                // the server counts the request out just after its answer is written: give it that moment
                int status = post(s, "mallory", "mallorypw", "{}").statusCode();
                for (long end = System.nanoTime() + 2_000_000_000L; status == 429 && System.nanoTime() < end; ) {
                    Thread.sleep(10);
                    status = post(s, "mallory", "mallorypw", "{}").statusCode();
                }
                assertEquals(400, status);
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    /**
     * After 5 wrong passwords the user backs off: even the right password gets 429 with Retry-After, without being
     * checked; once the wait is over it works, and a success forgets the failures. Wrong passwords of several
     * names from one address make that address back off for users who did not log in from it.
     */
    /**
     * Guessing a user's password from one address does not lock the user out where they logged in from: the
     * guessing address waits, and so does the user's name at addresses the user never logged in from; guessing at
     * the user's own address backs off there too. (All of 127.0.0.0/8 is this host: each client binds its own.)
     */
    @Test
    void guessingFromElsewhereDoesNotLockOutAUserWhereTheyLoggedIn() throws Exception {
        TransportLimits transport =
                limits(64, 16, Duration.ofSeconds(10), Duration.ofSeconds(30), BodyBudget.defaultBytes());
        try (SysqlServer s = start(transport)) {
            assertEquals(400, postFrom(s, "127.0.0.1", "alice", "alicepw").status());
            assertEquals(400, postFrom(s, "127.0.0.1", "bob", "bobpw").status());
            for (int i = 0; i < 5; i++) {
                assertEquals(401, postFrom(s, "127.0.0.2", "alice", "guess" + i).status());
            }
            Answer guesser = postFrom(s, "127.0.0.2", "alice", "alicepw");
            assertEquals(429, guesser.status(), guesser.body());
            assertEquals(429, postFrom(s, "127.0.0.3", "alice", "alicepw").status(), "alice's name elsewhere");
            Answer alice = postFrom(s, "127.0.0.1", "alice", "alicepw");
            assertEquals(400, alice.status(), "alice where she logged in: " + alice.body());
            for (int i = 0; i < 5; i++) {
                assertEquals(401, postFrom(s, "127.0.0.1", "alice", "again" + i).status());
            }
            assertEquals(429, postFrom(s, "127.0.0.1", "alice", "alicepw").status(), "guessing at alice's address");
            // the address has alice's 5 failures: bob, who logged in from it, is still in; erin, who did not, waits
            assertEquals(400, postFrom(s, "127.0.0.1", "bob", "bobpw").status(), "bob at his address");
            assertEquals(429, postFrom(s, "127.0.0.1", "erin", "erinpw").status(), "erin, new at the address");
        }
    }

    /**
     * A request without credentials gets its challenge and its connection is closed after it: clients that never
     * authenticate hold no connection (before, each kept one open until the keep-alive timeout, and 512 of them took
     * every connection the server accepts).
     */
    @Test
    void aChallengeClosesItsConnection() throws Exception {
        try (Socket anonymous = connect(tight)) {
            long start = System.nanoTime();
            send(anonymous, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}");
            Answer a = read(anonymous);
            assertEquals(401, a.status(), a.body());
            assertTrue(a.headers().containsKey("www-authenticate"), a.headers().toString());
            assertEquals("close", a.headers().get("connection"));
            closedAfter(anonymous, start);
        }
        assertEquals(400, post(tight, "bob", "bobpw", "{}").statusCode()); // a client with credentials is served
    }

    /**
     * Without authentication (--insecure), a remote client is its address: each address has its own connections and
     * its own share of the per-user limits (they were all one caller, whose limits one client could use up).
     */
    @Test
    void aRemoteClientWithoutAuthenticationIsItsAddress() {
        assertEquals("address:192.0.2.7", BothSerializations.caller(request(null, null, "192.0.2.7")));
        assertEquals("http:alice", BothSerializations.caller(request("alice", null, "192.0.2.7")));
        assertEquals("local:root", BothSerializations.caller(request(null, "local:root", "127.0.0.1")));
    }

    /** A request as a handler sees it: its authenticated user, the local caller LocalPeers left, its address. */
    private static javax.servlet.http.HttpServletRequest request(String user, String local, String address) {
        return (javax.servlet.http.HttpServletRequest) java.lang.reflect.Proxy.newProxyInstance(
                TransportLimitsTest.class.getClassLoader(),
                new Class<?>[] {javax.servlet.http.HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteUser" -> user;
                    case "getAttribute" -> Caller.ATTRIBUTE.equals(args[0]) ? local : null;
                    case "getRemoteAddr" -> address;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A connection from the local address {@code source} (all of 127.0.0.0/8 is this host). */
    static Socket connectFrom(SysqlServer s, String source) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", s.port()), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** One request from the local address {@code source} (a client of its own), its answer. */
    static Answer postFrom(SysqlServer s, String source, String user, String password) throws IOException {
        try (Socket socket = connectFrom(s, source)) {
            send(socket, request(user, password));
            return read(socket);
        }
    }

    /**
     * An answer given before the request's body was read (a wrong password's 401, a back-off's 429, a busy user's
     * 429) either says {@code Connection: close} or leaves the connection usable: the next request on it is
     * answered. (The server used to drop such a connection just after an answer that promised to keep it, and a
     * client that sent its next request there saw it closed with no answer.)
     */
    @Test
    void anAnswerBeforeTheBodyIsReadKeepsItsWordOnTheConnection() throws Exception {
        // a back-off of 30 s: dave's last attempt comes well within it, however slow the machine
        try (SysqlServer s =
                start(limits(64, 2, Duration.ofSeconds(10), Duration.ofSeconds(30), BodyBudget.defaultBytes()))) {
            assertEquals(400, post(s, "bob", "bobpw", "{}").statusCode()); // bob logged in here: he never waits
            // Avatica's request in a header, answered without reading the body beside it
            assertEquals(
                    400,
                    answeredBeforeItsBody(
                            s, headers("bob", "bobpw", 2).replace("\r\n\r\n", "\r\nrequest: {}\r\n\r\n")));
            List<Socket> slow = new ArrayList<>(List.of(connect(s), connect(s)));
            try {
                for (Socket socket : slow) {
                    send(socket, headers("mallory", "mallorypw", 2) + "{");
                }
                fill(s, slow, "mallory", "mallorypw", 2);
                assertEquals(429, answeredBeforeItsBody(s, "mallory", "mallorypw"));
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
            assertEquals(401, answeredBeforeItsBody(s, "dave", "guess"));
            for (int i = 0; i < 4; i++) { // the fifth failure: the next attempt waits
                assertEquals(401, post(s, "dave", "guess" + i, "{}").statusCode());
            }
            assertEquals(429, answeredBeforeItsBody(s, "dave", "davepw"));
        }
    }

    /**
     * Sends the headers of a request with a 2-byte body, reads the answer, then sends the body: the connection is
     * closed if the answer said so, else a whole request of bob's after it is answered. The first answer's status.
     */
    static int answeredBeforeItsBody(SysqlServer s, String user, String password) throws IOException {
        return answeredBeforeItsBody(s, headers(user, password, 2));
    }

    /** {@link #answeredBeforeItsBody(SysqlServer, String, String)} with these headers (of a 2-byte body). */
    static int answeredBeforeItsBody(SysqlServer s, String headers) throws IOException {
        try (Socket socket = connect(s)) {
            long start = System.nanoTime();
            send(socket, headers);
            Answer a = read(socket);
            if ("close".equalsIgnoreCase(a.headers().get("connection"))) {
                closedAfter(socket, start);
            } else {
                send(socket, "{}" + request("bob", "bobpw"));
                Answer next = read(socket);
                assertEquals(400, next.status(), a + " then " + next);
            }
            return a.status();
        }
    }

    @Test
    void failedLoginsBackOffPerUserAndPerAddress() throws Exception {
        try (SysqlServer s = start(limits(64, 16, Duration.ofSeconds(10)))) {
            assertEquals(400, post(s, "bob", "bobpw", "{}").statusCode()); // bob logs in from here
            for (int i = 0; i < 5; i++) {
                assertEquals(401, post(s, "dave", "guess" + i, "{}").statusCode());
            }
            long blocked = System.nanoTime();
            HttpResponse<String> r = post(s, "dave", "davepw", "{}");
            assertEquals(429, r.statusCode(), r.body());
            oneLine(r.body(), "HTTP 429: too many failed logins from this user or address: retry after 1 s");
            assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
            // the address has 5 failures too: a user who never logged in from it waits; bob, who did, does not
            assertEquals(429, post(s, "erin", "erinpw", "{}").statusCode());
            assertEquals(400, post(s, "bob", "bobpw", "{}").statusCode());
            Await.until(
                    () -> post(s, "dave", "davepw", "{}").statusCode() == 400,
                    Duration.ofSeconds(5),
                    "dave's right password never worked again");
            long waited = (System.nanoTime() - blocked) / 1_000_000;
            assertTrue(waited >= 900, "the back-off lasted " + waited + " ms");
            // the success forgot dave's failures: a wrong password is checked again (401, not 429)
            assertEquals(401, post(s, "dave", "wrong", "{}").statusCode());
            assertEquals(400, post(s, "dave", "davepw", "{}").statusCode());
            // the address backs off longer with each failure: its sixth doubles the wait to 2 s
            Await.until(
                    () -> post(s, "erin", "erinpw", "{}").statusCode() == 400,
                    Duration.ofSeconds(5),
                    "erin never got in once the address's wait was over");
        }
    }

    @Test
    void theUserOfAnAuthorizationHeader() {
        assertEquals("user alice", LoginBackoff.user(basic("alice", "x:y")));
        assertEquals(
                "user alice",
                LoginBackoff.user(
                        "basic " + Base64.getEncoder().encodeToString("alice".getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals(
                "user bob",
                LoginBackoff.user(
                        "Digest username=\"bob\", realm=\"Avatica\", nonce=\"n\", uri=\"/\", response=\"r\""));
        assertEquals("user a\"b", LoginBackoff.user("Digest realm=\"Avatica\", username=\"a\\\"b\""));
        assertEquals("user carol", LoginBackoff.user("Digest username=carol, realm=x"));
        assertNull(LoginBackoff.user("Basic !!!"));
        assertNull(LoginBackoff.user("Bearer abc"));
        String longName = "x".repeat(5000);
        String key = LoginBackoff.user(basic(longName, "pw"));
        assertTrue(key.length() < 300, key);
        assertNotEquals(key, LoginBackoff.user(basic(longName + "y", "pw")));
    }

    /** The failure tables keep at most MAX_KEYS keys (the least recently failed go first). */
    @Test
    void failuresAreBoundedInMemory() {
        LoginBackoff.Failures f =
                new LoginBackoff.Failures(5, TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(60));
        long now = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            f.failed("target", now);
        }
        assertTrue(f.waiting("target", now) > 0);
        for (int i = 0; i < LoginBackoff.MAX_KEYS * 2; i++) {
            f.failed("key" + i, now);
        }
        assertEquals(LoginBackoff.MAX_KEYS, f.size());
        // a key is forgotten once it has not failed for a while
        f.failed("old", now);
        assertEquals(0, f.waiting("old", now + LoginBackoff.FORGET.toNanos() + TimeUnit.MINUTES.toNanos(3)));
    }
}
