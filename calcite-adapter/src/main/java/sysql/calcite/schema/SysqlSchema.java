// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.schema;

import com.google.common.collect.ImmutableMultimap;
import com.google.common.collect.Multimap;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.schema.Function;
import org.apache.calcite.schema.FunctionParameter;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.TableMacro;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.schema.impl.TableFunctionImpl;
import org.apache.calcite.schema.impl.TableMacroImpl;
import org.checkerframework.checker.nullness.qual.Nullable;
import sysql.calcite.FileEngine;
import sysql.calcite.QuerySettings;
import sysql.calcite.SysqlEngine;
import sysql.calcite.SysqlException;
import sysql.calcite.fleet.FleetTable;
import sysql.calcite.functions.BufferFunctions;
import sysql.calcite.functions.CsysdigFormats;
import sysql.calcite.functions.SysdigFormats;
import sysql.capture.CaptureException;
import sysql.capture.scap.ScapDirectory;

/**
 * Schema {@code sysql}: the events ({@code events}: the live stream and its history, or a capture file), the
 * state now ({@code processes}, {@code fds}, {@code connections}, {@code containers}, {@code users},
 * {@code groups}; a file's at its first event, {@code processes_at_end} at its end), the catalogs ({@code fields}, {@code event_types}), the capture's counters
 * ({@code capture_stats}, {@code capture_subscriptions}), what the connection's queries warned of
 * ({@code query_warnings}) and the table functions {@code scap_file('path')} and
 * {@code history_scap(from_rawtime, to_rawtime)}.
 */
public final class SysqlSchema extends AbstractSchema {
    public static final String NAME = "sysql";

    /** The tables, by name, and how each is made for an engine. */
    private static final Map<String, java.util.function.BiFunction<SysqlEngine, QuerySettings, Table>> TABLES =
            new LinkedHashMap<>();

    static {
        TABLES.put("events", (e, s) -> new EventsTable(e, s, "events"));
        TABLES.put("processes", (e, s) -> StateTables.processes(e));
        TABLES.put("processes_at_end", (e, s) -> StateTables.processesAtEnd(e));
        TABLES.put("fds", (e, s) -> StateTables.fds(e));
        TABLES.put("connections", (e, s) -> StateTables.connections(e));
        TABLES.put("containers", (e, s) -> StateTables.containers(e));
        TABLES.put("users", (e, s) -> StateTables.users(e));
        TABLES.put("groups", (e, s) -> StateTables.groups(e));
        TABLES.put("fields", (e, s) -> CatalogTables.fields());
        TABLES.put("event_types", (e, s) -> CatalogTables.eventTypes());
        TABLES.put("capture_stats", (e, s) -> CaptureTables.captureStats(e));
        TABLES.put("capture_subscriptions", (e, s) -> CaptureTables.captureSubscriptions(e));
        TABLES.put("query_warnings", (e, s) -> CaptureTables.queryWarnings());
    }

    /** The names of the schema's tables. */
    public static final List<String> TABLE_NAMES = List.copyOf(TABLES.keySet());

    private final SysqlEngine engine;
    private final QuerySettings settings;
    private final Map<String, Table> tables = new LinkedHashMap<>();

    public SysqlSchema(SysqlEngine engine) {
        this(engine, QuerySettings.DEFAULT);
    }

    public SysqlSchema(SysqlEngine engine, QuerySettings settings) {
        this.engine = engine;
        this.settings = settings;
        TABLES.forEach((name, make) -> tables.put(name, make.apply(engine, settings)));
    }

    public SysqlEngine engine() {
        return engine;
    }

    /** The limits of the connection this schema is installed in. */
    public QuerySettings settings() {
        return settings;
    }

    @Override
    protected Map<String, Table> getTableMap() {
        return tables;
    }

    @Override
    protected Multimap<String, Function> getFunctionMultimap() {
        return ImmutableMultimap.<String, Function>builder()
                .put("scap_file", scapFileFunction)
                .put("history_scap", HISTORY_SCAP)
                .put("fleet", fleetFunction)
                .putAll(SCALAR_FUNCTIONS)
                .build();
    }

    private static final Function SCAP_FILE = scapFileMacro();

    /**
     * sysql's scalar functions: {@link SysdigFormats} (format_bytes, format_duration, format_percent),
     * {@link CsysdigFormats} (csysdig_number, csysdig_double, csysdig_time) and {@link BufferFunctions} (printable,
     * encode, convert_from).
     */
    private static final Multimap<String, Function> SCALAR_FUNCTIONS = ImmutableMultimap.<String, Function>builder()
            .put("format_bytes", ScalarFunctionImpl.create(SysdigFormats.class, "formatBytes"))
            .put("format_duration", ScalarFunctionImpl.create(SysdigFormats.class, "formatDuration"))
            .put("format_percent", percent(double.class))
            .put("format_percent", percent(java.math.BigDecimal.class))
            .put("printable", ScalarFunctionImpl.create(BufferFunctions.class, "printable"))
            .put("encode", ScalarFunctionImpl.create(BufferFunctions.class, "encode"))
            .put("convert_from", ScalarFunctionImpl.create(BufferFunctions.class, "convertFrom"))
            .put("csysdig_number", ScalarFunctionImpl.create(CsysdigFormats.class, "csysdigNumber"))
            .put("csysdig_double", ScalarFunctionImpl.create(CsysdigFormats.class, "csysdigDouble"))
            .put("csysdig_time", ScalarFunctionImpl.create(CsysdigFormats.class, "csysdigTime"))
            .build();

    private static Function percent(Class<?> argument) {
        try {
            return ScalarFunctionImpl.create(SysdigFormats.class.getMethod("formatPercent", argument));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code scap_file('path')} of this connection: its snaplen is the file's print length of buffer text. */
    private final Function scapFileFunction = new TableMacro() {
        @Override
        public List<FunctionParameter> getParameters() {
            return SCAP_FILE.getParameters();
        }

        @Override
        public TranslatableTable apply(List<? extends @Nullable Object> arguments) {
            String path = (String) arguments.get(0);
            if (settings.anyFile()) {
                return scapFile(path, settings);
            }
            Path dir = settings.scapDir();
            if (dir == null) {
                throw new SysqlException("scap_file is off for clients of a server (it would open the path as the "
                        + "server's user): read the file yourself, with sysql query -r FILE, or start the server "
                        + "with --scap-dir DIR");
            }
            return scapFileUnder(dir, path, settings);
        }
    };

    private static final Function HISTORY_SCAP = TableFunctionImpl.create(SysqlSchema.class, "historyScap");

    private static final Function FLEET = fleetMacro();

    /**
     * {@code TABLE(fleet('brokers', 'SELECT STREAM …'))} of this connection: a fleet query's rows ({@link
     * FleetTable}); not for a server's clients, whose SQL would make the server connect out and run the query's
     * global part.
     */
    private final Function fleetFunction = new TableMacro() {
        @Override
        public List<FunctionParameter> getParameters() {
            return FLEET.getParameters();
        }

        @Override
        public TranslatableTable apply(List<? extends @Nullable Object> arguments) {
            if (!settings.fleetQueries() || !settings.anyFile()) {
                throw new SysqlException("fleet is off for clients of a server or of the sysql daemon (it would"
                        + " connect to the brokers and run the query): run it in your own process, with sysql fleet"
                        + " or with --engine embedded (engine=embedded)");
            }
            return FleetTable.of((String) arguments.get(0), (String) arguments.get(1), settings.fleetConfig());
        }
    };

    private static Function fleetMacro() {
        try {
            return TableMacroImpl.create(SysqlSchema.class.getMethod("fleet", String.class, String.class));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code fleet(bootstrap, query)}'s signature (the connection's own function is {@link #fleetFunction}). */
    public static TranslatableTable fleet(String bootstrap, String query) {
        return FleetTable.of(bootstrap, query, null);
    }

    /**
     * {@code TABLE(history_scap(from_rawtime, to_rawtime))}: a window of the history as one sysdig .scap file, in
     * chunks ({@link HistoryScapTable}); the engine is the connection's, found when the table is scanned.
     */
    public static ScannableTable historyScap(long fromRawtime, long toRawtime) {
        return new HistoryScapTable(fromRawtime, toRawtime);
    }

    private static Function scapFileMacro() {
        try {
            Method m = SysqlSchema.class.getMethod("scapFile", String.class);
            return TableMacroImpl.create(m);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code scap_file('path')}: a capture file's events, with the columns of {@code events}. */
    public static TranslatableTable scapFile(String path) {
        return scapFile(path, QuerySettings.DEFAULT);
    }

    /**
     * {@code scap_file('path')} of a server's client: only a regular file under the server's {@code --scap-dir}
     * ({@code dir}; a relative path is taken from it), opened without blocking; anything else — missing, outside,
     * a FIFO, a device, a directory, a symbolic link out — is one refusal, the same for all ({@link
     * FileEngine#refusal}).
     */
    private static TranslatableTable scapFileUnder(Path dir, String path, QuerySettings settings) {
        if (path == null || path.isBlank()) {
            throw new SysqlException("scap_file needs the path of a capture file, e.g. scap_file('trace.scap')");
        }
        ScapDirectory under;
        try {
            under = ScapDirectory.of(dir);
        } catch (IOException e) {
            throw new SysqlException(FileEngine.refusal(path)); // the server checked it at start: it went away
        }
        try {
            return new EventsTable(
                    new FileEngine(under, path, settings.snaplen()), settings, "scap_file('" + path + "')");
        } catch (CaptureException e) {
            throw new SysqlException(e.getMessage());
        }
    }

    /** {@code scap_file('path')} under a connection's settings (its snaplen, its window limits). */
    public static TranslatableTable scapFile(String path, QuerySettings settings) {
        if (path == null || path.isBlank()) {
            throw new SysqlException("scap_file needs the path of a capture file, e.g. scap_file('/tmp/trace.scap')");
        }
        try {
            return new EventsTable(
                    new FileEngine(Path.of(path), settings.snaplen()), settings, "scap_file('" + path + "')");
        } catch (CaptureException e) {
            throw new SysqlException(e.getMessage(), e);
        }
    }
}
