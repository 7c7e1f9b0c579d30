// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.jdbc.StatementInfo;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.util.DateTimeUtils;
import sysql.calcite.sql.PlanningCancel;
import sysql.calcite.sql.StatementKind;

/**
 * Avatica's JDBC-backed Meta over {@code jdbc:sysql:}, made fit to serve a host's events to many clients:
 * read-only (only queries reach the engine), clients' connection properties limited to the per-query ones
 * (the capture is the server's), result sets read on threads of their own so a stream's rows go out as they
 * happen ({@link RemoteRows}; a Flight SQL stream's as Arrow batches, {@link ArrowRows}), limits on open
 * statements and buffered rows, and statements and connections that nobody uses closed by the server (a client
 * that vanished, or stopped reading a stream, frees its capture subscription after the idle timeout).
 */
final class SysqlMeta extends JdbcMeta {
    /** Connection properties a client may set: the rest (the capture's) are the server's. */
    static final Set<String> CLIENT_PROPERTIES = sysql.jdbc.DaemonSocket.CLIENT_PROPERTIES;

    private final Properties serverProperties;
    private final ServerLimits limits;
    private final ConcurrentMap<Integer, ResultReader> rows = new ConcurrentHashMap<>();
    /**
     * A statement a client opened (not those of metadata calls): its connection, the JDBC statement, and its use —
     * calls on it now running, and when the last one began or ended. sysql expires idle statements itself: Guava's
     * expiry (JdbcMeta's) would close a statement in the middle of a long execute or fetch, once the server is
     * slow enough.
     */
    private record Opened(
            String connectionId,
            Statement statement,
            String preparedSql,
            boolean metadata,
            AtomicInteger busy,
            AtomicLong lastUse,
            AtomicLong queryStarted,
            AtomicReference<String> stopped) {
        Opened(String connectionId, Statement statement, String preparedSql, boolean metadata) {
            this(
                    connectionId,
                    statement,
                    preparedSql,
                    metadata,
                    new AtomicInteger(),
                    new AtomicLong(System.nanoTime()),
                    new AtomicLong(),
                    new AtomicReference<>());
        }

        /** An execution begins: a query's start time is kept (a stream's is not: its buffers bound it). */
        void running(boolean stream) {
            stopped.set(null);
            queryStarted.set(stream ? 0 : System.nanoTime());
        }

        /** The error of a call on a statement the server stopped (why it stopped), else {@code e}'s. */
        AvaticaRuntimeException failure(Throwable e) {
            String why = stopped.get();
            return why != null ? error(why, "53200") : error(e);
        }

        boolean idleLongerThan(long nanos, long now) {
            return busy.get() == 0 && now - lastUse.get() > nanos;
        }
    }

    private final ConcurrentMap<Integer, Opened> opened = new ConcurrentHashMap<>();
    /**
     * Whose each connection is ({@link Caller}): another caller's connection, and its statements, are to a client
     * as if they did not exist. A connection is here from the moment its opening is allowed (the caps count it).
     */
    private final ConcurrentMap<String, String> owners = new ConcurrentHashMap<>();
    /** Connections being opened: owned, not yet in the connection cache. */
    private final Set<String> opening = ConcurrentHashMap.newKeySet();
    /**
     * Statement ids are drawn at random (a count would let one client guess another's), and places for statements
     * taken within the limits ({@link Place}), under this lock.
     */
    private final Object statementIds = new Object();
    /**
     * Statements being made (a prepare plans its query first, a metadata call reads its rows) that count against the
     * limits already, by connection id: two requests at once cannot both take the last place. Under
     * {@link #statementIds}.
     */
    private final Map<String, Integer> making = new HashMap<>();
    /**
     * Where Avatica's counter starts the ids it gives a metadata call's rows: negative, where no random id is drawn,
     * so the call runs outside the lock; its rows then move to a random id ({@link Place#moved}).
     */
    private static final int FIRST_METADATA_ID = Integer.MIN_VALUE;

    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger readers = new AtomicInteger();
    private final ExecutorService reading = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sysql-serve-rows-" + readers.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sysql-serve-expiry");
        t.setDaemon(true);
        return t;
    });
    private final Calendar calendar = DateTimeUtils.calendar();
    private final MemoryGuard memory;
    private final HeapRelease heap = new HeapRelease();

    SysqlMeta(String url, Properties serverProperties, ServerLimits limits) throws SQLException {
        this(url, serverProperties, limits, new MemoryGuard(limits.heapPercent()));
    }

    SysqlMeta(String url, Properties serverProperties, ServerLimits limits, MemoryGuard memory) throws SQLException {
        super(url, cacheSettings(serverProperties, limits));
        this.serverProperties = serverProperties;
        this.limits = limits;
        this.memory = memory;
        getStatementIdGenerator().set(FIRST_METADATA_ID);
        // Guava's caches expire entries only when touched: look at them every second.
        var unused = housekeeping.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS); // runs until close()
    }

    private static final int NO_EVICTION = 1 << 30;

    private static Properties cacheSettings(Properties server, ServerLimits limits) {
        Properties p = new Properties();
        p.putAll(server);
        p.setProperty(ConnectionCacheSettings.EXPIRY_DURATION.key(), String.valueOf(limits.connectionIdleSeconds()));
        p.setProperty(ConnectionCacheSettings.EXPIRY_UNIT.key(), TimeUnit.SECONDS.name());
        // statements of clients expire by sysql's own clock (see Opened); Guava's only catches what that misses
        p.setProperty(
                StatementCacheSettings.EXPIRY_DURATION.key(),
                String.valueOf(Math.max(limits.connectionIdleSeconds(), 10 * limits.statementIdleSeconds())));
        p.setProperty(StatementCacheSettings.EXPIRY_UNIT.key(), TimeUnit.SECONDS.name());
        // sysql refuses what is over its limits; Guava's size bound would evict an open statement or connection instead
        // (and before its bound: it evicts per segment), so it is set far beyond them
        p.setProperty(StatementCacheSettings.MAX_CAPACITY.key(), String.valueOf(NO_EVICTION));
        p.setProperty(ConnectionCacheSettings.MAX_CAPACITY.key(), String.valueOf(NO_EVICTION));
        return p;
    }

    private void expire() {
        try {
            if (memory.overLimit()) {
                stopLongestQuery();
            }
            long now = System.nanoTime();
            long idle = TimeUnit.SECONDS.toNanos(limits.statementIdleSeconds());
            boolean working = false;
            for (Map.Entry<Integer, Opened> e : opened.entrySet()) {
                Opened o = e.getValue();
                if (o.busy().get() > 0) {
                    working = true;
                    getStatementCache().getIfPresent(e.getKey());
                    getConnectionCache().getIfPresent(o.connectionId()); // a connection in use is not idle
                } else if (o.idleLongerThan(idle, now) && opened.remove(e.getKey(), o)) {
                    stopWork(e.getKey());
                    getStatementCache().invalidate(e.getKey()); // JdbcMeta's listener closes the statement
                }
            }
            getConnectionCache().cleanUp();
            getStatementCache().cleanUp();
            ConcurrentMap<Integer, StatementInfo> open = getStatementCache().asMap();
            for (Map.Entry<Integer, ResultReader> r : rows.entrySet()) {
                if (!open.containsKey(r.getKey()) && rows.remove(r.getKey(), r.getValue())) {
                    r.getValue().close();
                }
            }
            opened.keySet().removeIf(id -> !open.containsKey(id));
            ConcurrentMap<String, Connection> connections = getConnectionCache().asMap();
            for (Map.Entry<Integer, Opened> e : opened.entrySet()) {
                String c = e.getValue().connectionId();
                if (!opening.contains(c) && !connections.containsKey(c) && opened.remove(e.getKey(), e.getValue())) {
                    stopWork(e.getKey()); // its connection expired: the statement goes too, and is counted no longer
                    getStatementCache().invalidate(e.getKey());
                }
            }
            // opening first: an opened connection is in the cache before it leaves opening
            owners.keySet().removeIf(id -> !opening.contains(id) && !connections.containsKey(id));
            heap.tick(working); // an idle server gives back the heap a heavy query grew
        } catch (RuntimeException e) {
            // keep expiring
        }
    }

    /**
     * The heap is short: the query (not a stream) that has run longest, and is still running (executing, or its rows
     * still being read), is stopped, its client told why in one line. Each statement's kept rows have a budget of their
     * own (MemoryBudget, --max-statement-memory), but many statements at once, or an aggregate's groups, can still
     * fill the heap: this bounds them all together, and the server lives on.
     */
    private void stopLongestQuery() {
        Map.Entry<Integer, Opened> victim = null;
        for (Map.Entry<Integer, Opened> e : opened.entrySet()) {
            Opened o = e.getValue();
            long started = o.queryStarted().get();
            ResultReader r = rows.get(e.getKey());
            boolean running = o.busy().get() > 0 || (r != null && r.reading());
            if (started != 0
                    && o.stopped().get() == null // stopped already: the next one is due
                    && running
                    && (victim == null
                            || started - victim.getValue().queryStarted().get() < 0)) {
                victim = e;
            }
        }
        if (victim != null) {
            victim.getValue()
                    .stopped()
                    .set("the server ran short of memory (" + memory.state() + ") and stopped this query, the one "
                            + "running longest: narrow it (a time range, fewer joined rows, a LIMIT before a sort), or "
                            + "start the server with a larger heap (SYSQL_JAVA_OPTS=-Xmx…) or --max-heap-percent");
            stopWork(victim.getKey());
            cancel(victim.getValue());
        }
    }

    /**
     * A statement the server stopped runs again as a fresh JDBC statement under the same id (the stop cancelled the
     * old one, and Avatica never clears a statement's cancel flag); any other as it is.
     */
    private Opened revived(StatementHandle h, Opened o) throws SQLException {
        if (o.stopped().get() == null) {
            return o;
        }
        Connection c = getConnection(h.connectionId);
        Statement fresh;
        if (o.statement() instanceof PreparedStatement) {
            // the text it was prepared with (checked then), never the client's copy in the handle
            fresh = prepareWithinTimeLimit(c, o.preparedSql());
            fresh.setQueryTimeout(timeLimit(o.preparedSql()));
        } else {
            fresh = c.createStatement();
        }
        fresh.setLargeMaxRows(o.statement().getLargeMaxRows());
        Opened next = new Opened(
                o.connectionId(),
                fresh,
                o.preparedSql(),
                false,
                o.busy(),
                o.lastUse(),
                new AtomicLong(),
                new AtomicReference<>());
        getStatementCache().put(h.id, new StatementInfo(fresh)); // JdbcMeta's listener closes the stopped one
        opened.put(h.id, next);
        return next;
    }

    /**
     * {@code sql} prepared on {@code connection}: planned before there is a statement to cancel, so the server's time
     * limit bounds the planning.
     */
    private PreparedStatement prepareWithinTimeLimit(Connection connection, String sql) throws SQLException {
        PlanningCancel planning = PlanningCancel.begin(null, timeLimit(sql));
        try {
            return connection.prepareStatement(sql);
        } finally {
            planning.close();
        }
    }

    private static void cancel(Opened o) {
        if (o.statement() != null) {
            try {
                o.statement().cancel();
            } catch (SQLException | RuntimeException e) {
                // stopping anyway
            }
        }
    }

    /** Number of statements Avatica keeps, metadata answers included (a test's view). */
    int statementsKept() {
        return getStatementCache().asMap().size();
    }

    /** Number of result sets being read (a test's and the stats' view). */
    int openResultSets() {
        return rows.size();
    }

    @Override
    public void openConnection(ConnectionHandle ch, Map<String, String> info) {
        Properties props = new Properties();
        if (info != null) {
            info.forEach((k, v) -> {
                if (CLIENT_PROPERTIES.contains(k) && v != null) {
                    props.setProperty(k, v);
                }
            });
        }
        props.putAll(serverProperties);
        String caller = Caller.current();
        admit(ch.id, caller);
        try {
            Connection c = createConnection(SysqlServer.EMBEDDED_URL, props);
            if (getConnectionCache().asMap().putIfAbsent(ch.id, c) != null) {
                c.close();
                throw error("connection " + ch.id + " is already open", "08002");
            }
            opening.remove(ch.id);
        } catch (SQLException | RuntimeException e) {
            opening.remove(ch.id);
            owners.remove(ch.id, caller);
            throw e instanceof AvaticaRuntimeException a ? a : error(e);
        }
    }

    /**
     * Takes a place for connection {@code id} of {@code caller}, within the server's and the caller's limits: over
     * them the connection is refused (nobody else's is closed to make room).
     */
    private void admit(String id, String caller) {
        synchronized (owners) {
            if (owners.containsKey(id) || getConnectionCache().asMap().containsKey(id)) {
                throw error("connection " + id + " is already open: give each connection an id of its own", "08002");
            }
            if (owners.size() >= limits.connections()) {
                throw error(
                        "the server already has " + owners.size() + " open connections, its limit: close connections "
                                + "you no longer need, or start the server with a larger --max-connections",
                        "53300");
            }
            long mine = owners.values().stream().filter(caller::equals).count();
            if (mine >= limits.connectionsPerUser()) {
                throw error(
                        "you already have " + mine + " open connections, the limit per user: close connections you "
                                + "no longer need, or start the server with a larger --max-connections-per-user",
                        "53300");
            }
            opening.add(id);
            owners.put(id, caller);
        }
    }

    /** Whether connection {@code id} is the calling client's. */
    private boolean callerOwns(String id) {
        return id != null && Caller.current().equals(owners.get(id));
    }

    /**
     * The connection {@code id}, if it is the caller's: every request on a connection (statements, metadata,
     * properties) gets it here, so another caller's is as if it did not exist.
     */
    @Override
    protected Connection getConnection(String id) throws SQLException {
        if (!callerOwns(id) || opening.contains(id)) {
            throw new NoSuchConnectionException("no such connection: " + id);
        }
        return super.getConnection(id);
    }

    @Override
    public StatementHandle createStatement(ConnectionHandle ch) {
        try {
            Connection connection = getConnection(ch.id); // another's: no such connection, before any limit speaks
            try (Place place = take(ch.id)) {
                return place.register(ch, connection.createStatement(), null);
            }
        } catch (SQLException e) {
            throw error(e);
        }
    }

    @Override
    public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
        checkReadOnly(sql);
        try {
            Connection connection = getConnection(ch.id);
            try (Place place = take(ch.id)) {
                PreparedStatement statement = prepareWithinTimeLimit(connection, sql);
                try {
                    String unsupported =
                            statement.getMetaData() == null ? null : RemoteRows.unsupported(statement.getMetaData());
                    if (unsupported != null) {
                        throw error(unsupported, "0A000");
                    }
                    if (maxRowCount > 0) {
                        statement.setLargeMaxRows(maxRowCount);
                    }
                    statement.setQueryTimeout(timeLimit(sql));
                    return place.register(
                            ch,
                            statement,
                            signature(
                                    statement.getMetaData(),
                                    statement.getParameterMetaData(),
                                    sql,
                                    StatementType.SELECT));
                } catch (SQLException | RuntimeException e) {
                    statement.close();
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw error(e);
        }
    }

    /**
     * Marks a call on statement {@code h} as running (so it does not expire); null if the client never opened it.
     * A statement is its connection's: one named with another connection is no statement (statement ids are a
     * server-wide count, so a client could otherwise read, run or close another's).
     */
    private Opened enter(StatementHandle h) throws NoSuchStatementException {
        Opened o = ownStatement(h);
        if (o != null) {
            o.busy().incrementAndGet();
            o.lastUse().set(System.nanoTime());
        }
        return o;
    }

    /**
     * The statement {@code h} names, if it was opened on the connection {@code h} names and that connection is the
     * caller's; else, to the caller, there is no such statement.
     */
    private Opened ownStatement(StatementHandle h) throws NoSuchStatementException {
        Opened o = opened.get(h.id);
        if (o == null || !o.connectionId().equals(h.connectionId) || !callerOwns(h.connectionId)) {
            throw new NoSuchStatementException(h);
        }
        return o;
    }

    private static void leave(Opened o) {
        if (o != null) {
            o.lastUse().set(System.nanoTime());
            o.busy().decrementAndGet();
        }
    }

    /**
     * A place for one statement of a connection, taken within the limits before the statement is made ({@link #take})
     * and filled by it under a random id; given back if no statement fills it.
     */
    private final class Place implements AutoCloseable {
        private final String connectionId;
        private boolean held = true;

        Place(String connectionId) {
            this.connectionId = connectionId;
        }

        /** Statement {@code statement} fills this place, under a random id. */
        StatementHandle register(ConnectionHandle ch, Statement statement, Signature signature) {
            int id;
            synchronized (statementIds) {
                id = unusedStatementId();
                // the cache first: expire() drops every opened statement the cache does not hold, so the other order
                // lets a sweep between the two puts lose the statement (the client's next call: "missingStatement")
                getStatementCache().put(id, new StatementInfo(statement));
                opened.put(id, new Opened(ch.id, statement, signature == null ? null : signature.sql, false));
                giveBack();
            }
            return new StatementHandle(ch.id, id, signature);
        }

        /**
         * A metadata call's answer fills this place: Avatica kept its rows under an id of its counter's (negative,
         * see {@link #FIRST_METADATA_ID}), which they leave for a random one. Its rows are all read already
         * (Avatica reads a metadata call's rows in one frame and closes them), so the entry Avatica's listener
         * closes as it leaves the old id is done with.
         */
        MetaResultSet moved(MetaResultSet r) {
            synchronized (statementIds) {
                giveBack();
                StatementInfo info = getStatementCache().getIfPresent(r.statementId);
                if (info == null) {
                    return r; // nothing kept
                }
                int id = unusedStatementId();
                getStatementCache().put(id, info);
                getStatementCache().invalidate(r.statementId);
                opened.put(id, new Opened(r.connectionId, null, null, true)); // rows already read: nothing to cancel
                AtomicInteger counter = getStatementIdGenerator();
                if (counter.get() > FIRST_METADATA_ID / 2) {
                    counter.set(FIRST_METADATA_ID); // never reaches the random ids
                }
                return MetaResultSet.create(r.connectionId, id, r.ownStatement, r.signature, r.firstFrame);
            }
        }

        /** Under {@link #statementIds}. */
        private void giveBack() {
            if (held) {
                held = false;
                making.computeIfPresent(connectionId, (c, n) -> n > 1 ? n - 1 : null);
            }
        }

        @Override
        public void close() {
            synchronized (statementIds) {
                giveBack();
            }
        }
    }

    /** A random statement id no statement has (under {@link #statementIds}). */
    private int unusedStatementId() {
        ConcurrentMap<Integer, StatementInfo> open = getStatementCache().asMap();
        while (true) {
            int id = random.nextInt(Integer.MAX_VALUE - 1) + 1;
            if (!open.containsKey(id) && !opened.containsKey(id)) {
                return id;
            }
        }
    }

    /**
     * A metadata call's answer (tables, columns…), whose rows Avatica keeps as a statement of the caller's: within
     * the limits, under a random id too, and the caller's. The call itself runs outside the lock.
     */
    private MetaResultSet metadata(ConnectionHandle ch, java.util.function.Supplier<MetaResultSet> call) {
        try {
            getConnection(ch.id);
        } catch (SQLException e) {
            throw error(e);
        }
        try (Place place = take(ch.id)) {
            return place.moved(call.get());
        }
    }

    @Override
    public MetaResultSet getCatalogs(ConnectionHandle ch) {
        return metadata(ch, () -> super.getCatalogs(ch));
    }

    @Override
    public MetaResultSet getSchemas(ConnectionHandle ch, String catalog, Pat schemaPattern) {
        return metadata(ch, () -> super.getSchemas(ch, catalog, schemaPattern));
    }

    @Override
    public MetaResultSet getTables(
            ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern, List<String> typeList) {
        return metadata(ch, () -> super.getTables(ch, catalog, schemaPattern, tableNamePattern, typeList));
    }

    @Override
    public MetaResultSet getTableTypes(ConnectionHandle ch) {
        return metadata(ch, () -> super.getTableTypes(ch));
    }

    @Override
    public MetaResultSet getTypeInfo(ConnectionHandle ch) {
        return metadata(ch, () -> super.getTypeInfo(ch));
    }

    @Override
    public MetaResultSet getColumns(
            ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern, Pat columnNamePattern) {
        return metadata(ch, () -> super.getColumns(ch, catalog, schemaPattern, tableNamePattern, columnNamePattern));
    }

    @Override
    public boolean syncResults(StatementHandle sh, QueryState state, long offset) throws NoSuchStatementException {
        ownStatement(sh);
        // Avatica's would run the client's SQL (or metadata call) as it sends it, past the read-only check and the
        // limits: a client executes its statement again instead
        throw error("sysql serve does not re-create a statement's results: execute the statement again", "0A000");
    }

    /**
     * A place for a statement of connection {@code connectionId} within the limits: the server's, the connection's and
     * the caller's, counting the statements open and those being made; else a one-line refusal.
     */
    private Place take(String connectionId) {
        String caller = Caller.current();
        synchronized (statementIds) {
            ConcurrentMap<Integer, StatementInfo> open = getStatementCache().asMap();
            opened.keySet().removeIf(id -> !open.containsKey(id));
            // a metadata call's rows under their temporary (negative) id are counted in making until they move
            long all = open.keySet().stream().filter(id -> id > 0).count()
                    + making.values().stream().mapToInt(Integer::intValue).sum();
            if (all >= limits.statements()) {
                throw error(
                        "the server already has " + all + " open statements, its limit: close statements you "
                                + "no longer need, or start the server with a larger --max-statements",
                        "53000");
            }
            long mine = making.getOrDefault(connectionId, 0)
                    + opened.values().stream()
                            .filter(o -> o.connectionId().equals(connectionId))
                            .count();
            if (mine >= limits.statementsPerConnection()) {
                throw error(
                        "this connection already has " + mine + " open statements, the limit per connection: close "
                                + "statements you no longer need, or start the server with a larger "
                                + "--max-statements-per-connection",
                        "53000");
            }
            long users = opened.values().stream()
                            .filter(o -> caller.equals(owners.get(o.connectionId())))
                            .count()
                    + making.entrySet().stream()
                            .filter(e -> caller.equals(owners.get(e.getKey())))
                            .mapToInt(Map.Entry::getValue)
                            .sum();
            if (users >= limits.statementsPerUser()) {
                throw error(
                        "you already have " + users + " open statements, the limit per user: close statements you no "
                                + "longer need, or start the server with a larger --max-statements-per-user",
                        "53000");
            }
            making.merge(connectionId, 1, Integer::sum);
            return new Place(connectionId);
        }
    }

    /**
     * The time a statement may run (s, 0 for no limit): a query's is the server's --statement-timeout; a stream runs
     * until its client ends it (the idle timeout and the buffer bound it instead).
     */
    private int timeLimit(String sql) {
        // the parser's word, as the read-only check's: a statement cannot pass for a stream (and escape the limit)
        // with STREAM in a comment the parser reads as one
        return StatementKind.of(sql) == StatementKind.STREAM ? 0 : limits.statementSeconds();
    }

    private static void checkReadOnly(String sql) {
        if (StatementKind.of(sql) == StatementKind.OTHER) {
            throw error("sysql serve is read-only: only queries (SELECT, WITH, VALUES, EXPLAIN) are run", "25006");
        }
    }

    @Override
    public ExecuteResult prepareAndExecute(
            StatementHandle h, String sql, long maxRowCount, int maxRowsInFirstFrame, PrepareCallback callback)
            throws NoSuchStatementException {
        checkReadOnly(sql);
        Opened o = enter(h);
        try {
            return prepareAndExecute(h, o, sql, maxRowCount, maxRowsInFirstFrame);
        } finally {
            leave(o);
        }
    }

    private ExecuteResult prepareAndExecute(
            StatementHandle h, Opened o, String sql, long maxRowCount, int maxRowsInFirstFrame)
            throws NoSuchStatementException {
        if (getStatementCache().getIfPresent(h.id) == null || o == null || o.metadata()) {
            throw new NoSuchStatementException(h);
        }
        try {
            stopReading(h.id);
            o = revived(h, o);
            StatementInfo info = getStatementCache().getIfPresent(h.id);
            Statement statement = o.statement();
            int limit = timeLimit(sql);
            statement.setQueryTimeout(limit);
            o.running(limit == 0);
            if (maxRowCount > 0) {
                statement.setLargeMaxRows(maxRowCount);
            } else if (maxRowCount < 0) {
                statement.setMaxRows(0);
            }
            if (!statement.execute(sql)) {
                info.setResultSet(null);
                return new ExecuteResult(
                        List.of(MetaResultSet.count(h.connectionId, h.id, statement.getLargeUpdateCount())));
            }
            ResultSet rs = statement.getResultSet();
            info.setResultSet(rs);
            return new ExecuteResult(List.of(startReading(h, rs, signature(rs.getMetaData()), maxRowsInFirstFrame)));
        } catch (SQLException | RuntimeException e) {
            throw o.failure(e);
        }
    }

    @Override
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
            throws NoSuchStatementException {
        Opened o = enter(h);
        try {
            return execute(h, o, parameterValues, maxRowsInFirstFrame);
        } finally {
            leave(o);
        }
    }

    private ExecuteResult execute(
            StatementHandle h, Opened o, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
            throws NoSuchStatementException {
        if (getStatementCache().getIfPresent(h.id) == null
                || o == null
                || o.metadata()
                || !(o.statement() instanceof PreparedStatement)) {
            throw new NoSuchStatementException(h);
        }
        Opened ran = run(h, o, parameterValues);
        try {
            PreparedStatement ps = (PreparedStatement) ran.statement();
            ResultSet rs = ps.getResultSet();
            if (rs == null) {
                return new ExecuteResult(List.of(MetaResultSet.count(h.connectionId, h.id, ps.getLargeUpdateCount())));
            }
            return new ExecuteResult(List.of(startReading(h, rs, h.signature, maxRowsInFirstFrame)));
        } catch (SQLException | RuntimeException e) {
            throw ran.failure(e);
        }
    }

    /**
     * Runs the prepared statement {@code h} (a fresh one if the server stopped it) with {@code parameterValues}: the
     * statement as it now is, its result set (null: an update, its count there) the statement cache's.
     */
    private Opened run(StatementHandle h, Opened o, List<TypedValue> parameterValues) {
        try {
            stopReading(h.id);
            o = revived(h, o);
            StatementInfo info = getStatementCache().getIfPresent(h.id);
            PreparedStatement ps = (PreparedStatement) o.statement();
            o.running(ps.getQueryTimeout() == 0);
            if (parameterValues != null) {
                for (int i = 0; i < parameterValues.size(); i++) {
                    TypedValue v = parameterValues.get(i);
                    if (v == null) {
                        throw new SQLException("parameter " + (i + 1) + " has no value: bind every parameter");
                    }
                    ps.setObject(i + 1, v.toJdbc(calendar));
                }
            }
            info.setResultSet(ps.execute() ? ps.getResultSet() : null);
            return o;
        } catch (SQLException | RuntimeException e) {
            throw o.failure(e);
        }
    }

    /**
     * Runs the prepared statement {@code h} for a Flight SQL stream: its rows read into Arrow batches of {@code
     * schema} (its signature's, {@link FlightBatches#schema}) from {@code allocator}, which {@link #takeBatch} hands
     * out; the limits are those of {@link #execute}.
     */
    ArrowRows executeBatches(StatementHandle h, Schema schema, BufferAllocator allocator)
            throws NoSuchStatementException {
        Opened o = enter(h);
        try {
            if (getStatementCache().getIfPresent(h.id) == null
                    || o == null
                    || o.metadata()
                    || !(o.statement() instanceof PreparedStatement)) {
                throw new NoSuchStatementException(h);
            }
            Opened ran = run(h, o, List.of());
            try {
                ResultSet rs = ran.statement().getResultSet();
                if (rs == null) {
                    throw new SQLException("the statement is no query: it has no rows");
                }
                refuseUnsupported(rs);
                ArrowRows r = new ArrowRows(rs, schema, allocator, limits.bufferedRows(), limits.bufferedBytes());
                rows.put(h.id, r);
                r.start(reading);
                return r;
            } catch (SQLException | RuntimeException e) {
                throw ran.failure(e);
            }
        } finally {
            leave(o);
        }
    }

    /**
     * The next batch of the statement {@code h}'s rows ({@link ArrowRows#take}) moved into {@code into}: its row
     * count, 0 when none came within {@code waitMillis}, -1 once they all went out (the rows are let go).
     */
    int takeBatch(StatementHandle h, ArrowRows r, VectorSchemaRoot into, long waitMillis)
            throws NoSuchStatementException {
        Opened o = enter(h);
        try {
            if (o.stopped().get() != null) {
                throw o.failure(null);
            }
            // a take is use: of the statement (the cache's get) and of its connection
            if (getStatementCache().getIfPresent(h.id) == null || rows.get(h.id) != r) {
                stopWork(h.id);
                throw new NoSuchStatementException(h);
            }
            getConnectionCache().getIfPresent(h.connectionId);
            int n;
            try {
                n = r.take(into, waitMillis);
            } catch (SQLException e) {
                stopReading(h.id);
                throw error(e);
            }
            if (o.stopped().get() != null) { // stopped while this take waited: its rows did not all come
                throw o.failure(null);
            }
            if (n < 0 && rows.remove(h.id, r)) {
                r.close();
            }
            return n;
        } catch (AvaticaRuntimeException e) {
            throw o.stopped().get() != null ? o.failure(e) : e;
        } finally {
            leave(o);
        }
    }

    /**
     * Starts reading {@code rs} for the client, whose answer carries the rows there are within
     * {@link RemoteRows#FIRST_ROW_WAIT_MILLIS}; none yet (a quiet stream): no first frame, and the client fetches
     * (an empty frame that is not done is an error to some clients). Columns that cannot cross the wire refuse the
     * query before a row is read.
     */
    private MetaResultSet startReading(StatementHandle h, ResultSet rs, Signature signature, int firstFrameRows)
            throws SQLException {
        refuseUnsupported(rs);
        RemoteRows r = new RemoteRows(rs, limits.bufferedRows(), limits.bufferedBytes());
        rows.put(h.id, r);
        r.start(reading);
        Frame first = firstFrameRows == 0 ? null : r.fetch(firstFrameRows, RemoteRows.FIRST_ROW_WAIT_MILLIS);
        if (first != null && first.done) {
            rows.remove(h.id, r);
        }
        if (first != null && !first.done && !first.rows.iterator().hasNext()) {
            first = null;
        }
        return MetaResultSet.create(h.connectionId, h.id, true, signature, first);
    }

    /** Columns that cannot cross the wire refuse the query before a row is read. */
    private static void refuseUnsupported(ResultSet rs) throws SQLException {
        String unsupported = RemoteRows.unsupported(rs.getMetaData());
        if (unsupported != null) {
            rs.close();
            throw new SQLException(unsupported, "0A000");
        }
    }

    private void stopReading(int statementId) {
        ResultReader r = rows.remove(statementId);
        if (r != null) {
            r.close();
        }
    }

    /**
     * Stops reading and the statement's work: the statement is going away. Its work may run on its reader's thread
     * or, before the first row, in the execute call itself (a request's thread): a statement in a call is cancelled.
     */
    private void stopWork(int statementId) {
        ResultReader r = rows.remove(statementId);
        if (r != null) {
            r.cancelAndClose();
        }
        Opened o = opened.get(statementId);
        if (o != null && o.statement() != null && o.busy().get() > 0) {
            try {
                o.statement().cancel();
            } catch (SQLException | RuntimeException e) {
                // it is being closed anyway
            }
        }
    }

    @Override
    public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
            throws NoSuchStatementException, MissingResultsException {
        Opened o = enter(h);
        try {
            if (o.stopped().get() != null) {
                throw o.failure(null);
            }
            ResultReader reader = rows.get(h.id);
            if (reader == null && !o.metadata()) {
                return fetchAfterEnd(h, offset);
            }
            if (reader != null && !(reader instanceof RemoteRows)) {
                throw error("the statement's rows are read as Arrow batches (Flight SQL), not fetched", "HY000");
            }
            Frame f = fetch(h, offset, fetchMaxRowCount, (RemoteRows) reader);
            if (o.stopped().get() != null) { // stopped while this fetch waited: its rows did not all come
                throw o.failure(null);
            }
            return f;
        } catch (AvaticaRuntimeException e) {
            throw o.stopped().get() != null ? o.failure(e) : e;
        } finally {
            leave(o);
        }
    }

    /**
     * A fetch on a statement of the client whose rows are no longer read: the end again (an empty, done frame) if
     * it ran a query whose rows all went out, else "no results" (never executed, or an update).
     */
    private Frame fetchAfterEnd(StatementHandle h, long offset)
            throws NoSuchStatementException, MissingResultsException {
        StatementInfo info = getStatementCache().getIfPresent(h.id);
        if (info == null) {
            throw new NoSuchStatementException(h);
        }
        if (info.getResultSet() == null) {
            throw new MissingResultsException(h);
        }
        return new Frame(offset, true, List.of());
    }

    private Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount, RemoteRows r)
            throws NoSuchStatementException, MissingResultsException {
        if (r == null) {
            return super.fetch(h, offset, fetchMaxRowCount);
        }
        // A fetch is use: of the statement (the cache's get) and of its connection.
        if (getStatementCache().getIfPresent(h.id) == null) {
            stopWork(h.id);
            throw new NoSuchStatementException(h);
        }
        getConnectionCache().getIfPresent(h.connectionId);
        try {
            Frame f = r.fetch(fetchMaxRowCount, RemoteRows.FETCH_WAIT_MILLIS);
            if (f.done) {
                rows.remove(h.id, r);
            }
            return f;
        } catch (SQLException e) {
            stopReading(h.id);
            throw error(e);
        }
    }

    @Override
    public void closeStatement(StatementHandle h) {
        try {
            ownStatement(h);
        } catch (NoSuchStatementException e) {
            return; // as Avatica answers the close of a statement that does not exist: nothing to close
        }
        stopWork(h.id);
        opened.remove(h.id);
        super.closeStatement(h);
    }

    @Override
    public void closeConnection(ConnectionHandle ch) {
        if (!callerOwns(ch.id) || opening.contains(ch.id)) {
            return; // as Avatica answers the close of a connection that does not exist
        }
        List<Integer> mine = new ArrayList<>();
        opened.forEach((id, o) -> {
            if (o.connectionId().equals(ch.id)) {
                mine.add(id);
            }
        });
        for (Integer id : mine) {
            stopWork(id);
            opened.remove(id);
            getStatementCache()
                    .invalidate(id); // closes it; counted no longer (Avatica's client closes only the connection)
        }
        try {
            super.closeConnection(ch);
        } finally {
            owners.remove(ch.id);
        }
    }

    @Override
    public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands) {
        throw error(AvaticaWire.BATCH_REFUSAL, "25006");
    }

    @Override
    public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValues) {
        throw error(AvaticaWire.BATCH_REFUSAL, "25006");
    }

    /** A protobuf client's batch (Avatica's service calls this one for it, not {@link #executeBatch}). */
    @Override
    public ExecuteBatchResult executeBatchProtobuf(StatementHandle h, List<Requests.UpdateBatch> updateBatches) {
        throw error(AvaticaWire.BATCH_REFUSAL, "25006");
    }

    /** Stops reading every result set: a fetch waiting for a row of one ends at once (the server is stopping). */
    void stopReadingAll() {
        for (Integer id : List.copyOf(rows.keySet())) {
            stopWork(id);
        }
    }

    /** Stops reading every result set (the server is stopping). */
    void shutdown() {
        housekeeping.shutdownNow();
        for (Integer id : List.copyOf(rows.keySet())) {
            stopWork(id);
        }
        getConnectionCache().invalidateAll();
        reading.shutdownNow();
    }

    static AvaticaRuntimeException error(String message, String sqlState) {
        return new ClientError(message, sqlState);
    }

    /**
     * An error for the client: its one-line message, no stack trace (Avatica sends an exception's stack trace
     * to the client, and a user of curl would see the server's insides).
     */
    static final class ClientError extends AvaticaRuntimeException {
        private static final long serialVersionUID = 1L;

        ClientError(String message, String sqlState) {
            super(message, -1, sqlState, AvaticaSeverity.ERROR);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    static AvaticaRuntimeException error(Throwable e) {
        if (e instanceof AvaticaRuntimeException a) {
            return a;
        }
        Throwable t = e;
        while (!(t instanceof SQLException) && t.getCause() != null) {
            t = t.getCause();
        }
        String state = t instanceof SQLException s && s.getSQLState() != null ? s.getSQLState() : "HY000";
        String message = t.getMessage() != null ? t.getMessage() : e.toString();
        return new ClientError(message.lines().findFirst().orElse(message), state);
    }
}
