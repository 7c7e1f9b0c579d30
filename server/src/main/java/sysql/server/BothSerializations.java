// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ReadListener;
import javax.servlet.ServletException;
import javax.servlet.ServletInputStream;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.calcite.avatica.remote.Handler;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.Service.RpcMetadataResponse;
import org.apache.calcite.avatica.server.AvaticaHandler;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * One endpoint for both of Avatica's wire formats: a request whose body (or {@code request} header) is a
 * JSON object is read as JSON, any other as protobuf. So JDBC clients use {@code serialization=PROTOBUF} (the
 * fast one) and {@code curl} can post JSON to the same URL. Requests are answered by {@link AvaticaWire}
 * (Avatica's protocol with one-line errors, batches refused); JSON is UTF-8 unless the request's
 * {@code Content-Type} names another charset.
 *
 * <p>A body is read without holding a thread (Servlet 3.1 asynchronous input into a buffer of at most
 * {@link #MAX_REQUEST_BYTES}; a larger {@code Content-Length} is refused with 413 before a byte is read), then
 * answered on the Jetty thread that read its last bytes, as its caller; a body slower than {@link ReadDeadlines}
 * allow gets 408. A user (or, without one, an address) with {@link TransportLimits#maxRequestsPerUser()} requests in
 * flight gets 429 for another. Every refusal is one line of text.
 */
final class BothSerializations extends AbstractHandler implements AvaticaHandler {
    /** Larger request bodies are refused (SQL text and parameters are far smaller). */
    static final int MAX_REQUEST_BYTES = 16 << 20;

    /** HTTP 429 Too Many Requests (the Servlet API has no name for it). */
    static final int TOO_MANY_REQUESTS = 429;

    private final AvaticaWire wire;
    private volatile InFlight inFlight = InFlight.UNLIMITED;
    private volatile ReadDeadlines deadlines; // null: bodies without deadlines (no customizer set them)
    private volatile BodyBudget bodies; // null: no budget (no customizer set one)
    private volatile MetricsEndpoint metrics; // null: no --metrics

    BothSerializations(Service service) {
        wire = new AvaticaWire(service);
    }

    @Override
    public void setServerRpcMetadata(RpcMetadataResponse metadata) {
        wire.setRpcMetadata(metadata);
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        baseRequest.setHandled(true);
        if (MetricsEndpoint.PATH.equals(target)) {
            scrape(request, response);
            return;
        }
        if (!"POST".equals(request.getMethod())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "POST Avatica requests (JSON or protobuf)");
            return;
        }
        String caller = caller(request);
        InFlight limit = inFlight;
        InFlight.Slot slot = limit.enter(caller);
        if (slot == null) {
            response.setHeader(HttpHeader.RETRY_AFTER.asString(), "1");
            refuse(
                    response,
                    TOO_MANY_REQUESTS,
                    "too many requests of this user at once (at most " + limit.max() + "): retry once one is answered",
                    hasBody(request));
            return;
        }
        boolean reading = false;
        try {
            String header = request.getHeader("request");
            if (header != null) {
                // a header's bytes reach us as ISO-8859-1 characters: a client that put UTF-8 there meant UTF-8
                String json = headerText(header);
                if (hasBody(request)) {
                    // the request is in the header: a body beside it is not read, so the connection cannot be kept
                    response.setHeader(HttpHeader.CONNECTION.asString(), "close");
                }
                writeJson(response, Caller.as(caller, () -> wire.json(json)));
                return;
            }
            if (request.getContentLengthLong() > MAX_REQUEST_BYTES) {
                // refused before a byte of it is read (the connection is closed after the answer)
                response.sendError(
                        HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                        "requests are limited to " + MAX_REQUEST_BYTES + " bytes");
                return;
            }
            new BodyRead(request, response, caller, slot).start();
            reading = true; // the body's reader frees the slot once it answers
        } finally {
            if (!reading) {
                slot.close();
            }
        }
    }

    /** {@code GET /metrics}: the samples of {@code --metrics}, counted among the caller's requests in flight. */
    private void scrape(HttpServletRequest request, HttpServletResponse response) throws IOException {
        MetricsEndpoint endpoint = metrics;
        if (endpoint == null) {
            response.sendError(
                    HttpServletResponse.SC_NOT_FOUND, "this server has no metrics: start it with --metrics FILE");
            return;
        }
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "GET /metrics");
            return;
        }
        InFlight limit = inFlight;
        try (InFlight.Slot slot = limit.enter(caller(request))) {
            if (slot == null) {
                response.setHeader(HttpHeader.RETRY_AFTER.asString(), "1");
                refuse(
                        response,
                        TOO_MANY_REQUESTS,
                        "too many requests of this user at once (at most " + limit.max() + ")",
                        hasBody(request));
                return;
            }
            endpoint.answer(request, response);
        }
    }

    /** Serves {@code /metrics} from these metrics (before the server starts). */
    void serveMetrics(MetricsEndpoint endpoint) {
        this.metrics = endpoint;
    }

    /**
     * Sets the cap on each user's requests in flight and the deadlines of request bodies ({@link TransportLimits},
     * before the server starts).
     */
    void limit(InFlight inFlight, ReadDeadlines deadlines, BodyBudget bodies) {
        this.inFlight = inFlight;
        this.deadlines = deadlines;
        this.bodies = bodies;
    }

    /** Answers the Avatica request in {@code body}, as {@code caller}. */
    private void answer(byte[] body, Charset charset, String caller, HttpServletResponse response) throws IOException {
        if (isJson(body)) {
            String json = new String(body, charset);
            writeJson(response, Caller.as(caller, () -> wire.json(json)));
        } else {
            Handler.HandlerResponse<byte[]> answer = Caller.as(caller, () -> wire.protobuf(body));
            response.setStatus(answer.getStatusCode());
            response.setContentType("application/octet-stream");
            response.setContentLength(answer.getResponse().length);
            response.getOutputStream().write(answer.getResponse());
        }
    }

    /**
     * A request's body, read without holding a thread (Servlet 3.1 asynchronous input: Jetty calls back when bytes
     * have come), into a buffer of at most {@link #MAX_REQUEST_BYTES}; then answered on the thread of that last
     * call. A body slower than the {@link ReadDeadlines} allow is answered 408, one larger than the limit 413, and
     * the connection closed.
     */
    private final class BodyRead implements ReadListener, AsyncListener, ReadDeadlines.Body {
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final String caller;
        private final InFlight.Slot slot;
        private final Charset charset;
        private final ReadDeadlines watch = deadlines;
        private final BodyBudget budget = bodies;
        private final AtomicLong taken = new AtomicLong();
        private final long started = System.nanoTime();
        private final AtomicLong received = new AtomicLong();
        private final AtomicBoolean answered = new AtomicBoolean();
        private final ByteArrayOutputStream body;
        private AsyncContext async;
        private ServletInputStream in;

        BodyRead(HttpServletRequest request, HttpServletResponse response, String caller, InFlight.Slot slot) {
            this.request = request;
            this.response = response;
            this.caller = caller;
            this.slot = slot;
            this.charset = charset(request);
            long length = request.getContentLengthLong();
            this.body = new ByteArrayOutputStream(length > 0 ? (int) Math.min(length, 1 << 16) : 512);
        }

        void start() throws IOException {
            async = request.startAsync();
            async.setTimeout(0); // the read deadlines end a slow body, the connector's idle timeout a silent one
            async.addListener(this);
            in = request.getInputStream();
            if (watch != null) {
                watch.watch(this);
            }
            in.setReadListener(this);
        }

        @Override
        public void onDataAvailable() throws IOException {
            byte[] chunk = new byte[8192];
            while (!answered.get() && in.isReady()) {
                int n = in.read(chunk);
                if (n < 0) {
                    return;
                }
                received.addAndGet(n);
                if (budget != null && !take(n)) {
                    if (claim()) {
                        try {
                            response.setHeader(HttpHeader.RETRY_AFTER.asString(), "1");
                            refuse(
                                    response,
                                    HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                                    "the server holds too many request bodies at once (" + budget.max()
                                            + " bytes): retry",
                                    true);
                        } finally {
                            finish();
                        }
                    }
                    return;
                }
                if (body.size() + n > MAX_REQUEST_BYTES) {
                    if (claim()) {
                        try {
                            refuse(
                                    response,
                                    HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                                    "requests are limited to " + MAX_REQUEST_BYTES + " bytes",
                                    true);
                        } finally {
                            finish();
                        }
                    }
                    return;
                }
                body.write(chunk, 0, n);
            }
        }

        @Override
        public void onAllDataRead() {
            if (!claim()) {
                return;
            }
            try {
                answer(body.toByteArray(), charset, caller, response);
            } catch (IOException e) {
                // the client went away
            } catch (RuntimeException e) {
                failed(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, null);
            } finally {
                finish();
            }
        }

        @Override
        public void onError(Throwable t) {
            if (!claim()) {
                return;
            }
            try {
                failed(
                        t instanceof TimeoutException
                                ? HttpServletResponse.SC_REQUEST_TIMEOUT
                                : HttpServletResponse.SC_BAD_REQUEST,
                        t instanceof TimeoutException ? "the request body stopped coming" : "incomplete request body");
            } finally {
                finish();
            }
        }

        @Override
        public long started() {
            return started;
        }

        @Override
        public long received() {
            return received.get();
        }

        @Override
        public void expire() {
            if (!claim()) {
                return;
            }
            try {
                async.start(() -> {
                    try {
                        failed(
                                HttpServletResponse.SC_REQUEST_TIMEOUT,
                                "the request body came slower than " + watch.minBodyRate() + " bytes a second");
                    } finally {
                        finish();
                    }
                });
            } catch (RuntimeException e) {
                finish(); // the request ended meanwhile
            }
        }

        /** Takes {@code n} bytes of the server's body budget for this body, if they fit. */
        private boolean take(long n) {
            if (!budget.take(n)) {
                return false;
            }
            taken.addAndGet(n);
            if (answered.get()) {
                release(); // answered meanwhile on another thread, which gave back what it saw
            }
            return true;
        }

        /** Gives back the budget this body holds. */
        private void release() {
            if (budget != null) {
                budget.give(taken.getAndSet(0));
            }
        }

        /** Whether this call answers the request (the first to ask does). */
        private boolean claim() {
            return answered.compareAndSet(false, true);
        }

        /** Answers an error in one line, if nothing was sent yet; the connection closes after it. */
        private void failed(int status, String message) {
            try {
                if (!response.isCommitted()) {
                    refuse(response, status, message, true);
                }
            } catch (IOException | RuntimeException e) {
                // the client went away
            }
        }

        private void finish() {
            release();
            if (watch != null) {
                watch.forget(this);
            }
            slot.close();
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // completed already
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            release();
            if (watch != null) {
                watch.forget(this);
            }
            slot.close();
        }

        @Override
        public void onTimeout(AsyncEvent event) {}

        @Override
        public void onError(AsyncEvent event) {}

        @Override
        public void onStartAsync(AsyncEvent event) {}
    }

    /**
     * Whether {@code request} comes with a body: an answer given before it is read must close the connection
     * ({@link #refuse}'s {@code close}), since Jetty drops such a connection just after the answer, and a client
     * the answer told to keep it would send its next request into the close and get no answer.
     */
    static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader(HttpHeader.TRANSFER_ENCODING.asString()) != null;
    }

    /**
     * Answers {@code status} with one line of text, as {@link OneLineErrorPage} does ({@code HTTP 429: …});
     * {@code close}: and closes the connection after it (its request's body was not read).
     */
    static void refuse(HttpServletResponse response, int status, String message, boolean close) throws IOException {
        byte[] bytes = OneLineErrorPage.line(status, message).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        if (close) {
            response.setHeader(HttpHeader.CONNECTION.asString(), "close");
        }
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * Who sends {@code request}: the user authentication let in, else the local user {@link LocalPeers} found
     * (a server without --auth), else its remote address (--insecure).
     */
    static String caller(HttpServletRequest request) {
        String user = request.getRemoteUser();
        if (user != null) {
            return Caller.http(user);
        }
        return request.getAttribute(Caller.ATTRIBUTE) instanceof String local
                ? local
                : Caller.address(request.getRemoteAddr());
    }

    private static void writeJson(HttpServletResponse response, Handler.HandlerResponse<String> answer)
            throws IOException {
        byte[] bytes = (answer.getResponse() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.getStatusCode());
        response.setContentType("application/json;charset=utf-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** The charset the request's Content-Type names, else UTF-8 (JSON's own, RFC 8259). */
    private static Charset charset(HttpServletRequest request) {
        String type = request.getContentType();
        if (type != null) {
            for (String part : type.split(";")) {
                String p = part.strip();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    try {
                        return Charset.forName(p.substring(8).replace("\"", "").strip());
                    } catch (IllegalArgumentException e) {
                        return StandardCharsets.UTF_8; // an unknown charset: JSON's own
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** A {@code request} header's text: its bytes as UTF-8 when they are UTF-8, else as they came. */
    static String headerText(String header) {
        byte[] bytes = header.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < header.length(); i++) {
            if (header.charAt(i) > 0xff) {
                return header; // already decoded beyond Latin-1
            }
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return header;
        }
    }

    private static boolean isJson(byte[] body) {
        for (byte b : body) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return false;
    }

    /**
     * Jetty's error page in one line of plain text ({@code HTTP 413: requests are limited to … bytes}): what
     * Jetty answers itself — 401/403 of the authentication, 405, 413, a malformed HTTP request, a failure outside
     * Avatica's protocol — without its HTML page and, whatever happened, without a stack trace.
     */
    static final class OneLineErrorPage extends ErrorHandler {
        OneLineErrorPage() {
            setShowStacks(false);
            setShowServlet(false);
        }

        @Override
        protected void generateAcceptableResponse(
                Request baseRequest, HttpServletRequest request, HttpServletResponse response, int code, String message)
                throws IOException {
            baseRequest.setHandled(true);
            byte[] bytes = line(code, message).getBytes(StandardCharsets.UTF_8);
            response.setContentType("text/plain;charset=utf-8");
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }

        @Override
        protected void writeErrorPage(
                HttpServletRequest request, Writer writer, int code, String message, boolean showStacks)
                throws IOException {
            writer.write(line(code, message));
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
            return ByteBuffer.wrap(line(status, reason).getBytes(StandardCharsets.UTF_8));
        }

        static String line(int code, String message) {
            String reason = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
            return "HTTP " + code + ": " + AvaticaWire.oneLine(reason) + "\n";
        }
    }
}
