// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import javax.servlet.ReadListener;
import javax.servlet.ServletException;
import javax.servlet.ServletInputStream;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletRequestWrapper;
import javax.servlet.http.HttpServletResponse;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.Service.RpcMetadataResponse;
import org.apache.calcite.avatica.server.AvaticaHandler;
import org.apache.calcite.avatica.server.AvaticaJsonHandler;
import org.apache.calcite.avatica.server.AvaticaProtobufHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.AbstractHandler;

/**
 * One endpoint for both of Avatica's wire formats: a request whose body (or {@code request} header) is a
 * JSON object goes to Avatica's JSON handler, any other to its protobuf handler. So JDBC clients use
 * {@code serialization=PROTOBUF} (the fast one) and {@code curl} can post JSON to the same URL.
 */
final class BothSerializations extends AbstractHandler implements AvaticaHandler {
    /** Larger request bodies are refused (SQL text and parameters are far smaller). */
    static final int MAX_REQUEST_BYTES = 16 << 20;

    private final AvaticaJsonHandler json;
    private final AvaticaProtobufHandler protobuf;

    BothSerializations(Service service) {
        json = new AvaticaJsonHandler(service);
        protobuf = new AvaticaProtobufHandler(service);
        addBean(json);
        addBean(protobuf);
    }

    @Override
    public void setServer(Server server) {
        super.setServer(server);
        json.setServer(server);
        protobuf.setServer(server);
    }

    @Override
    public void setServerRpcMetadata(RpcMetadataResponse metadata) {
        json.setServerRpcMetadata(metadata);
        protobuf.setServerRpcMetadata(metadata);
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        if (!"POST".equals(request.getMethod())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "POST Avatica requests (JSON or protobuf)");
            baseRequest.setHandled(true);
            return;
        }
        if (request.getHeader("request") != null) {
            json.handle(target, baseRequest, request, response);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_REQUEST_BYTES + 1);
        if (body.length > MAX_REQUEST_BYTES) {
            response.sendError(
                    HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    "requests are limited to " + MAX_REQUEST_BYTES + " bytes");
            baseRequest.setHandled(true);
            return;
        }
        HttpServletRequest replay = new Replayed(request, body);
        if (isJson(body)) {
            json.handle(target, baseRequest, replay, response);
        } else {
            protobuf.handle(target, baseRequest, replay, response);
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

    /** The request with its body read again from memory. */
    private static final class Replayed extends HttpServletRequestWrapper {
        private final byte[] body;

        Replayed(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body has already been read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String enc = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(
                    getInputStream(), enc == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(enc)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }
    }
}
