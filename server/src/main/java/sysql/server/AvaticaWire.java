// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.Handler.HandlerResponse;
import org.apache.calcite.avatica.remote.JsonService;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.Service.ErrorResponse;
import org.apache.calcite.avatica.remote.Service.RpcMetadataResponse;

/**
 * Avatica's protocol, in either serialization, as Avatica's own handlers speak it (decode the request, let the
 * service answer, encode the answer) except for what a client sees when something goes wrong: Avatica's handlers
 * send the server's stack traces (tens of frames, the whole causal chain, a parser's echo of the request) in an
 * {@link ErrorResponse}; here every error is an {@code ErrorResponse} whose message, and only "exception", is one
 * line naming the problem. A request that is not one (malformed JSON or protobuf, an unknown request type) is
 * answered with HTTP 400; an error of a request with HTTP 500, as Avatica does (its clients read the error of a
 * 500 answer). Batches are refused before they reach the service: {@code sysql serve} is read-only.
 */
final class AvaticaWire {
    static final ProtobufTranslation PROTOBUF = new ProtobufTranslationImpl();

    /** What a client gets for a batch, in either serialization. */
    static final String BATCH_REFUSAL = "sysql serve is read-only: batches (of DML) are not run";

    /** A message longer than this is cut (a one-line error is for a person to read). */
    static final int MAX_MESSAGE_CHARS = 500;

    /** The names of Avatica's JSON requests ({@code "request": "fetch"}), as its mapping declares them. */
    private static final Set<String> JSON_REQUESTS = jsonRequests();

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    private static Set<String> jsonRequests() {
        Set<String> names = new LinkedHashSet<>();
        JsonSubTypes types = Service.Request.class.getAnnotation(JsonSubTypes.class);
        for (JsonSubTypes.Type t : types.value()) {
            names.add(t.name());
        }
        return Collections.unmodifiableSet(names);
    }

    /** A request that is none, and why, in one line. */
    private static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    private final Service service;
    private volatile RpcMetadataResponse metadata;

    AvaticaWire(Service service) {
        this.service = service;
    }

    void setRpcMetadata(RpcMetadataResponse metadata) {
        this.metadata = metadata;
        service.setRpcMetadata(metadata);
    }

    /** A serialization: how requests are read and answers written. */
    private interface Codec<T> {
        Service.Request decode(T request) throws IOException;

        T encode(Service.Response response) throws IOException;

        /** What is wrong with a request that could not be decoded, in one line (no byte of it echoed). */
        String malformed(Exception e);
    }

    private static final Codec<byte[]> PROTOBUF_CODEC = new Codec<>() {
        @Override
        public Service.Request decode(byte[] request) throws IOException {
            return PROTOBUF.parseRequest(request);
        }

        @Override
        public byte[] encode(Service.Response response) throws IOException {
            return PROTOBUF.serializeResponse(response);
        }

        @Override
        public String malformed(Exception e) {
            if (e instanceof InvalidProtocolBufferException) {
                // protobuf's messages are fixed texts ("contained an invalid tag (zero)"), never the bytes read
                return "not an Avatica request: malformed protobuf (" + oneLine(e.getMessage()) + "); send a "
                        + "WireMessage of Avatica's protocol, or a JSON object";
            }
            return "not an Avatica request: the protobuf WireMessage names no request Avatica knows";
        }
    };

    private static final Codec<String> JSON_CODEC = new Codec<>() {
        /**
         * The request, refused when its {@code request} field names no request of Avatica's (Avatica's mapping
         * would read it as a {@code getSchemas}).
         */
        @Override
        public Service.Request decode(String request) throws IOException {
            JsonNode tree = JsonService.MAPPER.readTree(request);
            if (tree == null || tree.isMissingNode()) {
                throw new Malformed("not an Avatica request: the body is empty");
            }
            if (!tree.isObject()) {
                throw new Malformed("not an Avatica request: send one JSON object");
            }
            JsonNode kind = tree.get("request");
            if (kind == null || !kind.isTextual()) {
                throw new Malformed("not an Avatica request: the JSON object has no \"request\" field naming its "
                        + "kind (openConnection, prepareAndExecute, fetch, …)");
            }
            if (!JSON_REQUESTS.contains(kind.asText())) {
                throw new Malformed("unknown request"
                        + (NAME.matcher(kind.asText()).matches() ? " \"" + kind.asText() + "\"" : "")
                        + ": Avatica's requests are " + String.join(", ", JSON_REQUESTS));
            }
            return JsonService.MAPPER.treeToValue(tree, Service.Request.class);
        }

        @Override
        public String encode(Service.Response response) throws IOException {
            StringWriter w = new StringWriter();
            JsonService.MAPPER.writeValue(w, response);
            return w.toString();
        }

        @Override
        public String malformed(Exception e) {
            if (e instanceof Malformed) {
                return e.getMessage();
            }
            if (e instanceof JsonMappingException m && !(e.getCause() instanceof JsonProcessingException)) {
                String message = String.valueOf(m.getOriginalMessage());
                if (message.startsWith("No content to map")) {
                    return "not an Avatica request: the body is empty";
                }
                StringBuilder field = new StringBuilder();
                for (JsonMappingException.Reference r : m.getPath()) {
                    if (r.getFieldName() != null
                            && NAME.matcher(r.getFieldName()).matches()) {
                        field.append(field.length() == 0 ? "" : ".").append(r.getFieldName());
                    }
                }
                return "malformed Avatica request"
                        + (field.length() == 0 ? "" : ": its field \"" + field + "\" has a value of the wrong kind");
            }
            if (e instanceof JsonProcessingException p) {
                JsonLocation l = p.getLocation();
                return "malformed JSON"
                        + (l == null ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr())
                        + ": send one JSON object (an Avatica request)";
            }
            return "not an Avatica request: " + oneLine(e.getMessage());
        }
    };

    /** The answer to a protobuf request. */
    HandlerResponse<byte[]> protobuf(byte[] request) {
        return answer(PROTOBUF_CODEC, request);
    }

    /** The answer to a JSON request. */
    HandlerResponse<String> json(String request) {
        return answer(JSON_CODEC, request);
    }

    private <T> HandlerResponse<T> answer(Codec<T> codec, T body) {
        Service.Request request;
        try {
            request = codec.decode(body);
        } catch (IOException | RuntimeException e) {
            return error(codec, HttpURLConnection.HTTP_BAD_REQUEST, codec.malformed(e), "08P01", -1);
        }
        if (request == null) {
            return error(codec, HttpURLConnection.HTTP_BAD_REQUEST, "not an Avatica request", "08P01", -1);
        }
        if (request instanceof Service.ExecuteBatchRequest
                || request instanceof Service.PrepareAndExecuteBatchRequest) {
            return error(codec, HttpURLConnection.HTTP_INTERNAL_ERROR, BATCH_REFUSAL, "25006", -1);
        }
        Service.Response response;
        try {
            response = dispatch(request);
        } catch (RuntimeException e) {
            return error(codec, e);
        }
        try {
            return new HandlerResponse<>(codec.encode(response), HttpURLConnection.HTTP_OK);
        } catch (IOException | RuntimeException e) {
            return error(
                    codec,
                    HttpURLConnection.HTTP_INTERNAL_ERROR,
                    "the server could not encode its answer: " + oneLine(rootMessage(e)),
                    "HY000",
                    -1);
        }
    }

    /**
     * The service's answer to {@code r} (what Avatica's package-private {@code Request.accept} does). Batches
     * never get here.
     */
    private Service.Response dispatch(Service.Request r) {
        if (r instanceof Service.CatalogsRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.SchemasRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.TablesRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.TableTypesRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.TypeInfoRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.ColumnsRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.PrepareRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.ExecuteRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.PrepareAndExecuteRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.SyncResultsRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.FetchRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.CreateStatementRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.CloseStatementRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.OpenConnectionRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.CloseConnectionRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.ConnectionSyncRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.DatabasePropertyRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.CommitRequest x) {
            return service.apply(x);
        }
        if (r instanceof Service.RollbackRequest x) {
            return service.apply(x);
        }
        throw new AvaticaRuntimeException(
                "unknown request: " + r.getClass().getSimpleName(), -1, "08P01", AvaticaSeverity.ERROR);
    }

    private <T> HandlerResponse<T> error(Codec<T> codec, Exception e) {
        int code = ErrorResponse.UNKNOWN_ERROR_CODE;
        String state = "HY000";
        AvaticaSeverity severity = AvaticaSeverity.ERROR;
        String message;
        if (e instanceof AvaticaRuntimeException a) {
            message = a.getErrorMessage();
            code = a.getErrorCode();
            state = a.getSqlState() == null ? state : a.getSqlState();
            severity = a.getSeverity() == null ? severity : a.getSeverity();
        } else if (e instanceof NoSuchConnectionException) {
            code = ErrorResponse.MISSING_CONNECTION_ERROR_CODE; // Avatica's clients know this one
            state = "08003";
            message = "no such connection: it was closed, expired (idle too long), or never opened";
        } else {
            Throwable t = e;
            while (t.getCause() != null
                    && !(t instanceof SQLException)
                    && !(t instanceof NoSuchStatementException)
                    && !(t instanceof MissingResultsException)) {
                t = t.getCause();
            }
            if (t instanceof NoSuchStatementException) {
                state = "24000";
                message = "no such statement: it was closed, expired (idle too long), or is not this connection's";
            } else if (t instanceof MissingResultsException) {
                state = "24000";
                message = "the statement has no results to fetch: execute it first";
            } else if (t instanceof SQLException s) {
                message = s.getMessage();
                state = s.getSQLState() == null ? state : s.getSQLState();
            } else {
                message = rootMessage(e);
            }
        }
        ErrorResponse r = new ErrorResponse(List.of(), oneLine(message), code, state, severity, metadata);
        return encodeError(codec, r, HttpURLConnection.HTTP_INTERNAL_ERROR);
    }

    private <T> HandlerResponse<T> error(Codec<T> codec, int status, String message, String state, int code) {
        return encodeError(
                codec,
                new ErrorResponse(List.of(), oneLine(message), code, state, AvaticaSeverity.ERROR, metadata),
                status);
    }

    private static <T> HandlerResponse<T> encodeError(Codec<T> codec, ErrorResponse r, int status) {
        try {
            return new HandlerResponse<>(codec.encode(r), status);
        } catch (IOException e) {
            throw new IllegalStateException("an error answer could not be encoded", e); // an ErrorResponse always can
        }
    }

    /** The innermost message of {@code e}'s causes (the outer ones wrap it), or its kind when none has one. */
    static String rootMessage(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message != null ? message : "internal error (" + e.getClass().getSimpleName() + ")";
    }

    /** The first line of {@code message}, without control characters, at most {@link #MAX_MESSAGE_CHARS}. */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "internal error";
        }
        String line = message.strip().lines().findFirst().orElse("").strip();
        StringBuilder sb = new StringBuilder(Math.min(line.length(), MAX_MESSAGE_CHARS + 1));
        for (int i = 0; i < line.length() && sb.length() < MAX_MESSAGE_CHARS; i++) {
            char c = line.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (line.length() > MAX_MESSAGE_CHARS) {
            sb.append('…');
        }
        return sb.toString();
    }
}
