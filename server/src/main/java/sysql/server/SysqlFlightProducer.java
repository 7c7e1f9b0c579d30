// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.BasicFlightSqlProducer;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;

/**
 * Arrow Flight SQL over {@link SysqlMeta}, the Avatica endpoint's engine: each Flight SQL statement (a prepared
 * statement of the client's, or a one-shot query) is a connection and a statement of {@link SysqlMeta}'s, opened as
 * its caller, so the read-only rule, the statement time limit, the limits per user and in all, the bounded row
 * buffer and the memory guard are the Avatica endpoint's. Its rows are read straight into Arrow batches
 * ({@link ArrowRows}: up to {@link ArrowRows#MAX_BATCH_ROWS} rows, or the rows that came within 50 ms of the first),
 * which go out as record batches without a copy; a stream's batches go on until the client cancels, which stops its
 * statement at once. A batch is taken once the client has taken the last one (gRPC's readiness), so a slow client
 * holds two batches here and its stream's buffer, never more. Catalog metadata
 * (GetSqlInfo, GetCatalogs, GetDbSchemas, GetTables with their columns' schemas, GetTableTypes) comes from the
 * engine's JDBC DatabaseMetaData; keys and type information are empty.
 */
final class SysqlFlightProducer extends BasicFlightSqlProducer {
    static final String READ_ONLY = "sysql serve is read-only: only queries (SELECT, WITH, VALUES, EXPLAIN) are run";

    private final SysqlMeta meta;
    private final Connection catalog;
    private final BufferAllocator allocator;
    private final boolean authenticated;
    private final SqlInfoBuilder sqlInfo;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentMap<ByteString, Opened> statements = new ConcurrentHashMap<>();

    private final ServerLimits limits;

    /**
     * A Flight SQL statement: whose, its connection and statement in {@link SysqlMeta}, its result's schema, whether
     * it is a one-shot query's (closed with its stream), streams running on it, and when it was last used.
     */
    private record Opened(
            String caller,
            Meta.ConnectionHandle connection,
            Meta.StatementHandle statement,
            Schema schema,
            boolean oneShot,
            AtomicInteger streams,
            AtomicLong lastUse) {
        Opened(String caller, Meta.ConnectionHandle c, Meta.StatementHandle h, Schema schema, boolean oneShot) {
            this(caller, c, h, schema, oneShot, new AtomicInteger(), new AtomicLong(System.nanoTime()));
        }

        /** Unused longer than the limit: a one-shot query's never fetched, or a client's that went away. */
        boolean abandoned(ServerLimits limits, long now) {
            long idle =
                    TimeUnit.SECONDS.toNanos(oneShot ? limits.statementIdleSeconds() : limits.connectionIdleSeconds());
            return streams.get() == 0 && now - lastUse.get() > idle;
        }
    }

    SysqlFlightProducer(
            SysqlMeta meta, ServerLimits limits, Properties engine, BufferAllocator allocator, boolean authenticated)
            throws SQLException {
        this.meta = meta;
        this.limits = limits;
        this.allocator = allocator;
        this.authenticated = authenticated;
        this.catalog = DriverManager.getConnection(SysqlServer.EMBEDDED_URL, engine);
        DatabaseMetaData md = catalog.getMetaData();
        this.sqlInfo = new SqlInfoBuilder()
                .withFlightSqlServerName("sysql")
                .withFlightSqlServerVersion(md.getDatabaseProductVersion())
                .withFlightSqlServerArrowVersion(
                        FlightSqlProducer.class.getPackage().getImplementationVersion())
                .withFlightSqlServerReadOnly(true)
                .withFlightSqlServerSql(true)
                .withFlightSqlServerSubstrait(false)
                .withFlightSqlServerTransaction(FlightSql.SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE)
                .withFlightSqlServerCancel(true)
                .withSqlTransactionsSupported(false)
                .withSqlIdentifierQuoteChar(md.getIdentifierQuoteString())
                .withSqlIdentifierCase(FlightSql.SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
                .withSqlSupportedGrammar(FlightSql.SupportedSqlGrammar.SQL_CORE_GRAMMAR)
                .withSqlAnsi92SupportedLevel(FlightSql.SupportedAnsi92SqlGrammarLevel.ANSI92_ENTRY_SQL)
                .withSqlKeywords(Arrays.stream(md.getSQLKeywords().split(","))
                        .map(String::strip)
                        .filter(k -> !k.isEmpty())
                        .toArray(String[]::new));
    }

    // ---- who asks

    /** The caller of this call, as {@link SysqlMeta} tells callers apart ({@link Caller}). */
    private String caller(CallContext context) {
        if (authenticated) {
            String user = context.peerIdentity();
            if (user == null || user.isEmpty()) {
                throw CallStatus.UNAUTHENTICATED
                        .withDescription("give a user name and password (this server has --auth basic)")
                        .toRuntimeException();
            }
            return Caller.http(user); // the same user as over HTTP: one share of the per-user limits
        }
        String caller = FlightSqlEndpoint.CALLER.get();
        if (caller == null) {
            throw CallStatus.UNAUTHENTICATED
                    .withDescription("the server could not tell who asks")
                    .toRuntimeException();
        }
        return caller;
    }

    /** A call of {@link SysqlMeta}'s. */
    private interface MetaCall<T> {
        T call() throws Exception;
    }

    /** {@code call}'s result, made as {@code who}; its failure as a Flight error in one line. */
    private static <T> T as(String who, MetaCall<T> call) {
        return Caller.as(who, () -> {
            try {
                return call.call();
            } catch (FlightRuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw failure(e);
            }
        });
    }

    static FlightRuntimeException failure(Throwable e) {
        if (e instanceof FlightRuntimeException f) {
            return f;
        }
        if (e instanceof NoSuchStatementException || e instanceof NoSuchConnectionException) {
            return CallStatus.NOT_FOUND
                    .withDescription("no such statement: it was closed, or closed by the server after its idle time")
                    .toRuntimeException();
        }
        String state = "HY000";
        String message;
        if (e instanceof AvaticaRuntimeException a) {
            state = a.getSqlState();
            message = a.getErrorMessage();
        } else {
            AvaticaRuntimeException a = SysqlMeta.error(e);
            state = a.getSqlState();
            message = a.getErrorMessage();
        }
        message = message == null
                ? String.valueOf(e)
                : message.lines().findFirst().orElse(message);
        CallStatus status;
        if (state != null && state.startsWith("53")) {
            status = CallStatus.RESOURCE_EXHAUSTED;
        } else if (state != null && (state.startsWith("25") || state.startsWith("42") || state.startsWith("0A"))) {
            status = CallStatus.INVALID_ARGUMENT;
        } else {
            status = CallStatus.INTERNAL;
        }
        return status.withDescription(message).toRuntimeException();
    }

    // ---- statements

    /**
     * Closes the statements nobody used for longer than the limits (a one-shot query's after the statement idle
     * time, others after the connection idle time: {@link SysqlMeta} has closed their connections by then).
     */
    private void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<ByteString, Opened> e : statements.entrySet()) {
            if (e.getValue().abandoned(limits, now)) {
                close(e.getValue().caller(), e.getKey());
            }
        }
    }

    /** Opens {@code sql} as a statement of {@code who}'s: a connection of its own in {@link SysqlMeta}. */
    private ByteString open(String who, String sql, boolean oneShot) {
        sweep();
        Meta.ConnectionHandle ch = new Meta.ConnectionHandle(UUID.randomUUID().toString());
        as(who, () -> {
            meta.openConnection(ch, Map.of());
            return null;
        });
        try {
            Meta.StatementHandle h = as(who, () -> meta.prepare(ch, sql, -1));
            if (h.signature != null && h.signature.parameters != null && !h.signature.parameters.isEmpty()) {
                throw CallStatus.INVALID_ARGUMENT
                        .withDescription("sysql serve's Flight SQL runs queries without parameters: write the values "
                                + "into the query instead of ?")
                        .toRuntimeException();
            }
            Schema schema = FlightBatches.schema(h.signature == null ? List.of() : h.signature.columns);
            byte[] id = new byte[16];
            random.nextBytes(id);
            ByteString handle = ByteString.copyFrom(id);
            statements.put(handle, new Opened(who, ch, h, schema, oneShot));
            return handle;
        } catch (RuntimeException e) {
            closeQuietly(who, ch);
            throw e;
        }
    }

    /** The caller's statement {@code handle}; another's is as if absent. */
    private Opened own(String who, ByteString handle) {
        Opened o = statements.get(handle);
        if (o != null && o.caller().equals(who)) {
            o.lastUse().set(System.nanoTime());
        }
        if (o == null || !o.caller().equals(who)) {
            throw CallStatus.NOT_FOUND
                    .withDescription("no such statement: it was closed, or closed by the server after its idle time")
                    .toRuntimeException();
        }
        return o;
    }

    private void close(String who, ByteString handle) {
        Opened o = statements.get(handle);
        if (o != null && o.caller().equals(who) && statements.remove(handle, o)) {
            closeQuietly(who, o.connection());
        }
    }

    private void closeQuietly(String who, Meta.ConnectionHandle ch) {
        try {
            as(who, () -> {
                meta.closeConnection(ch);
                return null;
            });
        } catch (RuntimeException e) {
            // gone already
        }
    }

    /** Statements Flight SQL clients hold now. */
    int openStatements() {
        return statements.size();
    }

    /** Closes every client's statement (the server is stopping): their streams end. */
    void stopAll() {
        for (Map.Entry<ByteString, Opened> e : List.copyOf(statements.entrySet())) {
            close(e.getValue().caller(), e.getKey());
        }
    }

    private static FlightInfo info(Schema schema, FlightDescriptor descriptor, Message ticket) {
        return new FlightInfo(
                schema,
                descriptor,
                List.of(new FlightEndpoint(new Ticket(Any.pack(ticket).toByteArray()))),
                -1,
                -1);
    }

    @Override
    public void createPreparedStatement(
            FlightSql.ActionCreatePreparedStatementRequest request,
            CallContext context,
            StreamListener<Result> listener) {
        try {
            String who = caller(context);
            ByteString handle = open(who, request.getQuery(), false);
            Opened o = statements.get(handle);
            FlightSql.ActionCreatePreparedStatementResult result =
                    FlightSql.ActionCreatePreparedStatementResult.newBuilder()
                            .setDatasetSchema(ByteString.copyFrom(o.schema().serializeAsMessage()))
                            .setParameterSchema(ByteString.copyFrom(new Schema(List.of()).serializeAsMessage()))
                            .setPreparedStatementHandle(handle)
                            .build();
            listener.onNext(new Result(Any.pack(result).toByteArray()));
            listener.onCompleted();
        } catch (FlightRuntimeException e) {
            listener.onError(e);
        }
    }

    @Override
    public void closePreparedStatement(
            FlightSql.ActionClosePreparedStatementRequest request,
            CallContext context,
            StreamListener<Result> listener) {
        try {
            close(caller(context), request.getPreparedStatementHandle());
            listener.onCompleted();
        } catch (FlightRuntimeException e) {
            listener.onError(e);
        }
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(
            FlightSql.CommandPreparedStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        Opened o = own(caller(context), command.getPreparedStatementHandle());
        return info(o.schema(), descriptor, command);
    }

    @Override
    public SchemaResult getSchemaPreparedStatement(
            FlightSql.CommandPreparedStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        return new SchemaResult(
                own(caller(context), command.getPreparedStatementHandle()).schema());
    }

    @Override
    public void getStreamPreparedStatement(
            FlightSql.CommandPreparedStatementQuery command, CallContext context, ServerStreamListener listener) {
        try {
            String who = caller(context);
            stream(who, own(who, command.getPreparedStatementHandle()), listener);
        } catch (FlightRuntimeException e) {
            listener.error(e);
        }
    }

    @Override
    public FlightInfo getFlightInfoStatement(
            FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        refuseTransaction(command.hasTransactionId());
        String who = caller(context);
        ByteString handle = open(who, command.getQuery(), true);
        return info(
                statements.get(handle).schema(),
                descriptor,
                FlightSql.TicketStatementQuery.newBuilder()
                        .setStatementHandle(handle)
                        .build());
    }

    @Override
    public SchemaResult getSchemaStatement(
            FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        String who = caller(context);
        ByteString handle = open(who, command.getQuery(), true);
        try {
            return new SchemaResult(statements.get(handle).schema());
        } finally {
            close(who, handle);
        }
    }

    /** A one-shot query's rows: its statement closes when they end or the client cancels. */
    @Override
    public void getStreamStatement(
            FlightSql.TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
        String who;
        try {
            who = caller(context);
        } catch (FlightRuntimeException e) {
            listener.error(e);
            return;
        }
        try {
            stream(who, own(who, ticket.getStatementHandle()), listener);
        } catch (FlightRuntimeException e) {
            listener.error(e);
        } finally {
            close(who, ticket.getStatementHandle());
        }
    }

    /**
     * Runs the statement and sends its rows until they end, fail, or the client cancels (which closes the statement,
     * so a stream's capture subscription goes at once).
     */
    private void stream(String who, Opened o, ServerStreamListener listener) {
        o.streams().incrementAndGet();
        try {
            streamRows(who, o, listener);
        } finally {
            o.lastUse().set(System.nanoTime());
            o.streams().decrementAndGet();
        }
    }

    private void streamRows(String who, Opened o, ServerStreamListener listener) {
        Object ready = new Object();
        listener.setOnCancelHandler(() -> {
            try {
                as(who, () -> {
                    meta.closeStatement(o.statement());
                    return null;
                });
            } catch (RuntimeException e) {
                // closed already
            } finally {
                synchronized (ready) {
                    ready.notifyAll();
                }
            }
        });
        listener.setOnReadyHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        ArrowRows rows = as(who, () -> meta.executeBatches(o.statement(), o.schema(), allocator));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(o.schema(), allocator)) {
            // a batch's buffers go to gRPC as they are: they are never written again (the next batch moves in
            // buffers of its own), and gRPC holds them until they are sent
            listener.setUseZeroCopy(true);
            listener.start(root);
            while (!listener.isCancelled()) {
                // the batch is taken once the client has taken the last one: until then it fills (and the reader
                // waits once it is full), so a slow client holds two batches here, never more
                if (!awaitReady(listener, ready)) {
                    return;
                }
                int n;
                try {
                    n = as(who, () -> meta.takeBatch(o.statement(), rows, root, RemoteRows.FETCH_WAIT_MILLIS));
                } catch (FlightRuntimeException e) {
                    if (!listener.isCancelled()) {
                        listener.error(e);
                    }
                    return;
                }
                if (n > 0) {
                    listener.putNext();
                } else if (n < 0) {
                    listener.completed();
                    return;
                }
            }
        } finally {
            rows.close();
        }
    }

    /**
     * Waits until the client has taken what was sent (gRPC's flow control: its ready handler notifies {@code
     * ready}); false if it cancelled meanwhile.
     */
    private static boolean awaitReady(ServerStreamListener listener, Object ready) {
        synchronized (ready) {
            while (!listener.isReady()) {
                if (listener.isCancelled()) {
                    return false;
                }
                try {
                    ready.wait(100); // the handlers notify; the timeout only bounds a missed notification
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !listener.isCancelled();
    }

    private static void refuseTransaction(boolean hasTransaction) {
        if (hasTransaction) {
            throw CallStatus.INVALID_ARGUMENT
                    .withDescription("sysql serve has no transactions: run the query without one")
                    .toRuntimeException();
        }
    }

    private static Runnable refuse(StreamListener<PutResult> listener, String why) {
        return () -> listener.onError(
                CallStatus.INVALID_ARGUMENT.withDescription(why).toRuntimeException());
    }

    @Override
    public Runnable acceptPutStatement(
            FlightSql.CommandStatementUpdate command,
            CallContext context,
            FlightStream flightStream,
            StreamListener<PutResult> listener) {
        return refuse(listener, READ_ONLY);
    }

    @Override
    public Runnable acceptPutPreparedStatementUpdate(
            FlightSql.CommandPreparedStatementUpdate command,
            CallContext context,
            FlightStream flightStream,
            StreamListener<PutResult> listener) {
        return refuse(listener, READ_ONLY);
    }

    @Override
    public Runnable acceptPutPreparedStatementQuery(
            FlightSql.CommandPreparedStatementQuery command,
            CallContext context,
            FlightStream flightStream,
            StreamListener<PutResult> listener) {
        return refuse(
                listener,
                "sysql serve's Flight SQL runs queries without parameters: write the values into the query instead "
                        + "of ?");
    }

    // ---- catalog metadata

    @Override
    protected <T extends Message> List<FlightEndpoint> determineEndpoints(
            T request, FlightDescriptor descriptor, Schema schema) {
        return List.of(new FlightEndpoint(new Ticket(Any.pack(request).toByteArray())));
    }

    @Override
    public void getStreamSqlInfo(
            FlightSql.CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
        try {
            caller(context);
            sqlInfo.send(command.getInfoList(), listener);
        } catch (FlightRuntimeException e) {
            listener.error(e);
        }
    }

    /** Rows of a metadata answer, each a row of text cells. */
    private interface Rows {
        List<String[]> read(DatabaseMetaData md) throws SQLException;
    }

    private void sendText(CallContext context, ServerStreamListener listener, Schema schema, Rows rows) {
        try {
            caller(context);
            List<String[]> read;
            synchronized (catalog) {
                read = rows.read(catalog.getMetaData());
            }
            try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
                root.allocateNew();
                for (int i = 0; i < read.size(); i++) {
                    FlightBatches.setText(root, i, read.get(i));
                }
                root.setRowCount(read.size());
                listener.start(root);
                listener.putNext();
                listener.completed();
            }
        } catch (FlightRuntimeException e) {
            listener.error(e);
        } catch (SQLException | RuntimeException e) {
            listener.error(failure(e));
        }
    }

    @Override
    public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
        sendText(context, listener, Schemas.GET_CATALOGS_SCHEMA, md -> {
            List<String[]> out = new ArrayList<>();
            try (ResultSet rs = md.getCatalogs()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (name != null) {
                        out.add(new String[] {name});
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void getStreamSchemas(
            FlightSql.CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
        sendText(context, listener, Schemas.GET_SCHEMAS_SCHEMA, md -> {
            List<String[]> out = new ArrayList<>();
            try (ResultSet rs = md.getSchemas(
                    command.hasCatalog() ? command.getCatalog() : null,
                    command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null)) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString("TABLE_CATALOG"), rs.getString("TABLE_SCHEM")});
                }
            }
            return out;
        });
    }

    @Override
    public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
        sendText(context, listener, Schemas.GET_TABLE_TYPES_SCHEMA, md -> {
            List<String[]> out = new ArrayList<>();
            try (ResultSet rs = md.getTableTypes()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1)});
                }
            }
            return out;
        });
    }

    @Override
    public void getStreamTables(
            FlightSql.CommandGetTables command, CallContext context, ServerStreamListener listener) {
        boolean withSchema = command.getIncludeSchema();
        Schema schema = withSchema ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
        try {
            caller(context);
            List<String[]> tables = new ArrayList<>();
            List<byte[]> schemas = new ArrayList<>();
            synchronized (catalog) {
                DatabaseMetaData md = catalog.getMetaData();
                String[] types = command.getTableTypesCount() == 0
                        ? null
                        : command.getTableTypesList().toArray(String[]::new);
                try (ResultSet rs = md.getTables(
                        command.hasCatalog() ? command.getCatalog() : null,
                        command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null,
                        command.hasTableNameFilterPattern() ? command.getTableNameFilterPattern() : null,
                        types)) {
                    while (rs.next()) {
                        tables.add(new String[] {
                            rs.getString("TABLE_CAT"),
                            rs.getString("TABLE_SCHEM"),
                            rs.getString("TABLE_NAME"),
                            rs.getString("TABLE_TYPE")
                        });
                    }
                }
                if (withSchema) {
                    for (String[] t : tables) {
                        schemas.add(tableSchema(md, t[0], t[1], t[2]).serializeAsMessage());
                    }
                }
            }
            try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
                root.allocateNew();
                for (int i = 0; i < tables.size(); i++) {
                    FlightBatches.setText(root, i, tables.get(i));
                    if (withSchema) {
                        ((VarBinaryVector) root.getVector("table_schema")).setSafe(i, schemas.get(i));
                    }
                }
                root.setRowCount(tables.size());
                listener.start(root);
                listener.putNext();
                listener.completed();
            }
        } catch (FlightRuntimeException e) {
            listener.error(e);
        } catch (SQLException | RuntimeException e) {
            listener.error(failure(e));
        }
    }

    /** The columns of one table as an Arrow schema, each field with its SQL type's name. */
    private static Schema tableSchema(DatabaseMetaData md, String cat, String schem, String table) throws SQLException {
        List<Field> fields = new ArrayList<>();
        try (ResultSet rs = md.getColumns(cat, schem, table, null)) {
            while (rs.next()) {
                if (!table.equals(rs.getString("TABLE_NAME"))
                        || (schem != null && !schem.equals(rs.getString("TABLE_SCHEM")))) {
                    continue; // the name as a pattern matched another table too
                }
                fields.add(FlightBatches.field(
                        rs.getString("COLUMN_NAME"),
                        rs.getInt("DATA_TYPE"),
                        rs.getString("TYPE_NAME"),
                        rs.getInt("COLUMN_SIZE"),
                        rs.getInt("DECIMAL_DIGITS"),
                        rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls));
            }
        }
        return new Schema(fields);
    }

    /** An answer without rows (sysql has no keys, and no type information to give). */
    private void sendEmpty(CallContext context, ServerStreamListener listener, Schema schema) {
        try {
            caller(context);
            try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
                root.setRowCount(0);
                listener.start(root);
                listener.completed();
            }
        } catch (FlightRuntimeException e) {
            listener.error(e);
        }
    }

    @Override
    public void getStreamPrimaryKeys(
            FlightSql.CommandGetPrimaryKeys command, CallContext context, ServerStreamListener listener) {
        sendEmpty(context, listener, Schemas.GET_PRIMARY_KEYS_SCHEMA);
    }

    @Override
    public void getStreamExportedKeys(
            FlightSql.CommandGetExportedKeys command, CallContext context, ServerStreamListener listener) {
        sendEmpty(context, listener, Schemas.GET_EXPORTED_KEYS_SCHEMA);
    }

    @Override
    public void getStreamImportedKeys(
            FlightSql.CommandGetImportedKeys command, CallContext context, ServerStreamListener listener) {
        sendEmpty(context, listener, Schemas.GET_IMPORTED_KEYS_SCHEMA);
    }

    @Override
    public void getStreamCrossReference(
            FlightSql.CommandGetCrossReference command, CallContext context, ServerStreamListener listener) {
        sendEmpty(context, listener, Schemas.GET_CROSS_REFERENCE_SCHEMA);
    }

    @Override
    public void getStreamTypeInfo(
            FlightSql.CommandGetXdbcTypeInfo command, CallContext context, ServerStreamListener listener) {
        sendEmpty(context, listener, Schemas.GET_TYPE_INFO_SCHEMA);
    }

    @Override
    public void close() {
        try {
            catalog.close();
        } catch (SQLException e) {
            // closing anyway
        }
    }
}
