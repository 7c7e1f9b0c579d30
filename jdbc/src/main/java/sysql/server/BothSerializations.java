// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import javax.servlet.ServletException;
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
 */
final class BothSerializations extends AbstractHandler implements AvaticaHandler {
    /** Larger request bodies are refused (SQL text and parameters are far smaller). */
    static final int MAX_REQUEST_BYTES = 16 << 20;

    private final AvaticaWire wire;

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
        if (!"POST".equals(request.getMethod())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "POST Avatica requests (JSON or protobuf)");
            return;
        }
        String header = request.getHeader("request");
        if (header != null) {
            // a header's bytes reach us as ISO-8859-1 characters: a client that put UTF-8 there meant UTF-8
            writeJson(response, wire.json(headerText(header)));
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_REQUEST_BYTES + 1);
        if (body.length > MAX_REQUEST_BYTES) {
            response.sendError(
                    HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    "requests are limited to " + MAX_REQUEST_BYTES + " bytes");
            return;
        }
        if (isJson(body)) {
            writeJson(response, wire.json(new String(body, charset(request))));
        } else {
            Handler.HandlerResponse<byte[]> answer = wire.protobuf(body);
            response.setStatus(answer.getStatusCode());
            response.setContentType("application/octet-stream");
            response.setContentLength(answer.getResponse().length);
            response.getOutputStream().write(answer.getResponse());
        }
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
