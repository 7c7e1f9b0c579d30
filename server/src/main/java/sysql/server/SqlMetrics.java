// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.StatefulMetric;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import sysql.calcite.SysqlException;
import sysql.calcite.sql.MetricQueries;
import sysql.server.SysqlServer.ServeException;

/**
 * {@code sysql serve --metrics FILE…}: each windowed {@code SELECT STREAM} of the file ({@link MetricQueries}) runs
 * on the server's engine for as long as the server does, and every row it emits (a group of a closed window) moves
 * the Prometheus client's metrics: its labels pick the series, a counter grows by the row's value, a gauge takes it.
 * The registry is scraped at {@code /metrics} ({@link MetricsEndpoint}).
 *
 * <p>Bounded: a statement's series are at most {@link Settings#maxSeries}; a row that would add one more is dropped
 * and counted in {@code sysql_metrics_dropped_rows_total{metric,reason="series_cap"}}. A series no row has moved for
 * {@link Settings#staleSeconds} is removed. A statement that fails is said on stderr in one line, its
 * {@code sysql_metrics_statement_up} goes to 0, {@code sysql_metrics_statement_failures_total} counts it, and over a
 * live capture it runs again after {@link #RETRY_SECONDS}; over a capture file it does not (it would read the file
 * from its start again, and its counters would count the rows before the failure twice).
 */
public final class SqlMetrics implements AutoCloseable {
    /** How long a failed statement waits before it runs again. */
    static final int RETRY_SECONDS = 10;

    /** The bounds: series per statement, and the age at which a series no row moved is removed. */
    public record Settings(int maxSeries, long staleSeconds) {
        public static final Settings DEFAULTS = new Settings(10_000, 300);

        public Settings {
            if (maxSeries < 1) {
                throw new IllegalArgumentException(
                        "--metrics-max-series " + maxSeries + " is not a count: give 1 or more");
            }
            if (staleSeconds < 1) {
                throw new IllegalArgumentException(
                        "--metrics-stale " + staleSeconds + " is not a time: give 1 or more seconds");
            }
        }
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final List<Query> queries = new ArrayList<>();
    private final ScheduledExecutorService expiry;
    private final Counter dropped;
    private final Gauge up;
    private final Counter failures;
    private volatile boolean closed;
    private java.util.concurrent.ScheduledFuture<?> expiring;

    private SqlMetrics() {
        dropped = Counter.builder()
                .name("sysql_metrics_dropped_rows_total")
                .help("Rows of metric statements not turned into samples, per sample and reason (series_cap: the "
                        + "statement had --metrics-max-series series already; negative: a counter cannot go down)")
                .labelNames("metric", "reason")
                .withoutExemplars()
                .register(registry);
        up = Gauge.builder()
                .name("sysql_metrics_statement_up")
                .help("1 while the metric statement at FILE:LINE runs, 0 after it failed or ended")
                .labelNames("statement")
                .withoutExemplars()
                .register(registry);
        failures = Counter.builder()
                .name("sysql_metrics_statement_failures_total")
                .help("Times the metric statement at FILE:LINE failed (each said on stderr; over a live capture "
                        + "it runs again "
                        + RETRY_SECONDS
                        + " s later)")
                .labelNames("statement")
                .withoutExemplars()
                .register(registry);
        expiry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sysql-metrics-expiry");
            t.setDaemon(true);
            return t;
        });
    }

    /** Each statement that failed (FILE:LINE) and the first line of its last failure, as said on stderr. */
    Map<String, String> failures() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Query q : queries) {
            String f = q.lastFailure;
            if (f != null) {
                out.put(q.statement.where(), f);
            }
        }
        return out;
    }

    /** The registry {@code /metrics} shows. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** The statements of the {@code files}, before the engine opens: a file that is no metrics file is one line. */
    static List<MetricQueries.Statement> read(List<Path> files) throws ServeException {
        List<MetricQueries.Statement> statements = new ArrayList<>();
        for (Path file : files) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ServeException("cannot read the metrics file " + file + ": " + reason(e));
            }
            try {
                statements.addAll(MetricQueries.read(file.toString(), text));
            } catch (SysqlException e) {
                throw new ServeException(e.getMessage());
            }
        }
        return statements;
    }

    /**
     * Prepares each statement on the engine at {@code url} (so that a wrong column or a sample that is no number
     * stops the server before it listens) and starts them; every problem is one line.
     */
    static SqlMetrics start(List<MetricQueries.Statement> statements, Settings settings, String url, Properties engine)
            throws ServeException {
        SqlMetrics metrics = new SqlMetrics();
        try {
            for (MetricQueries.Statement s : statements) {
                metrics.queries.add(metrics.new Query(s, settings, url, engine));
            }
        } catch (ServeException e) {
            metrics.close();
            throw e;
        }
        for (Query q : metrics.queries) {
            q.thread.start();
        }
        long period = Math.max(1, Math.min(settings.staleSeconds() / 4, 10));
        metrics.expiring = metrics.expiry.scheduleWithFixedDelay(metrics::expire, period, period, TimeUnit.SECONDS);
        return metrics;
    }

    private void expire() {
        for (Query q : queries) {
            q.expire(System.nanoTime());
        }
    }

    @Override
    public void close() {
        closed = true;
        if (expiring != null) {
            expiring.cancel(false);
        }
        expiry.shutdownNow();
        for (Query q : queries) {
            q.stop();
        }
        for (Query q : queries) {
            try {
                q.thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return String.valueOf(e.getMessage());
    }

    /** One statement: its prepared columns, its metrics, its series, and the thread that reads its rows. */
    private final class Query {
        private final MetricQueries.Statement statement;
        private final Settings settings;
        private final String url;
        private final Properties engine;
        private final int[] labelColumns;
        private final int[] sampleColumns;
        private final StatefulMetric<?, ?>[] samples;
        private final String[] sampleNames;
        private final Thread thread;
        /** Each series' labels and the time a row last moved it (nanoTime); guarded by itself. */
        private final Map<List<String>, Long> series = new HashMap<>();

        private volatile Statement running;
        /** The engine reads a capture file (its {@code file} property): a failed statement is not run again. */
        private final boolean overFile;
        /** The first line of the statement's last failure, null while it has not failed. */
        private volatile String lastFailure;

        Query(MetricQueries.Statement s, Settings settings, String url, Properties engine) throws ServeException {
            this.statement = s;
            this.settings = settings;
            this.url = url;
            this.engine = engine;
            String file = engine.getProperty("file");
            this.overFile = file != null && !file.isBlank();
            List<String> labelNames = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            List<Integer> values = new ArrayList<>();
            try (Connection c = DriverManager.getConnection(url, engine);
                    java.sql.PreparedStatement p = c.prepareStatement(s.sql())) {
                ResultSetMetaData md = p.getMetaData();
                if (md.getColumnCount() != s.columns().size()) {
                    throw new ServeException(s.where() + ": the statement's " + md.getColumnCount()
                            + " columns are not its select list's "
                            + s.columns().size());
                }
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < s.columns().size(); i++) {
                    MetricQueries.Column col = s.columns().get(i);
                    switch (col.role()) {
                        case LABEL -> {
                            String name = labelName(md.getColumnLabel(i + 1));
                            if (!seen.add(name)) {
                                throw new ServeException(s.where() + ": two labels are named " + name + ": give one "
                                        + "an alias (" + md.getColumnLabel(i + 1) + " AS other_name)");
                            }
                            labelNames.add(name);
                            labels.add(i + 1);
                        }
                        case COUNTER, GAUGE -> {
                            if (!numeric(md.getColumnType(i + 1))) {
                                throw new ServeException(s.where() + ": " + col.name() + " is "
                                        + md.getColumnTypeName(i + 1) + ", not a number: a sample is a number");
                            }
                            if (!PrometheusNaming.isValidLegacyMetricName(col.name())) {
                                throw new ServeException(s.where() + ": " + col.name() + " is no Prometheus metric "
                                        + "name: use letters, digits and _ (e.g. syscalls_total)");
                            }
                            values.add(i + 1);
                        }
                        case WINDOW -> {}
                    }
                }
            } catch (SQLException e) {
                throw new ServeException(s.where() + ": " + e.getMessage());
            }
            labelColumns = labels.stream().mapToInt(Integer::intValue).toArray();
            sampleColumns = values.stream().mapToInt(Integer::intValue).toArray();
            samples = new StatefulMetric<?, ?>[sampleColumns.length];
            sampleNames = new String[sampleColumns.length];
            String[] names = labelNames.toArray(String[]::new);
            for (int k = 0; k < sampleColumns.length; k++) {
                MetricQueries.Column col = s.columns().get(sampleColumns[k] - 1);
                String help = col.help() != null
                        ? col.help()
                        : col.name() + " per " + (names.length == 0 ? "window" : String.join(", ", names)) + " (sysql, "
                                + s.where() + ")";
                try {
                    samples[k] = col.role() == MetricQueries.Role.COUNTER
                            ? Counter.builder()
                                    .name(col.name())
                                    .help(help)
                                    .labelNames(names)
                                    .withoutExemplars()
                                    .register(registry)
                            : Gauge.builder()
                                    .name(col.name())
                                    .help(help)
                                    .labelNames(names)
                                    .withoutExemplars()
                                    .register(registry);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new ServeException(s.where() + ": " + col.name() + " cannot be a metric: " + e.getMessage());
                }
                sampleNames[k] =
                        samples[k] instanceof Counter ? col.name().replaceAll("_total$", "") + "_total" : col.name();
            }
            thread = new Thread(this::run, "sysql-metrics " + s.where());
            thread.setDaemon(true);
        }

        private void run() {
            while (!closed) {
                up.labelValues(statement.where()).set(1);
                String failure = null;
                try (Connection c = DriverManager.getConnection(url, engine);
                        Statement st = c.createStatement()) {
                    running = st;
                    if (closed) {
                        return;
                    }
                    try (ResultSet rs = st.executeQuery(statement.sql())) {
                        String[] labels = new String[labelColumns.length];
                        while (rs.next()) {
                            for (int i = 0; i < labels.length; i++) {
                                String v = rs.getString(labelColumns[i]);
                                labels[i] = v == null ? "" : v;
                            }
                            row(rs, labels);
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    failure = e.getMessage();
                } finally {
                    running = null;
                }
                up.labelValues(statement.where()).set(0);
                if (closed) {
                    return;
                }
                if (failure == null) {
                    return; // the stream ended (a capture file's last event): its samples stay as they are
                }
                lastFailure = failure.lines().findFirst().orElse("");
                failures.labelValues(statement.where()).inc();
                if (overFile) {
                    System.err.println("sysql serve: the metric statement at " + statement.where() + " failed: "
                            + lastFailure + "; not run again over a capture file (its rows would count twice)");
                    System.err.flush();
                    return;
                }
                System.err.println("sysql serve: the metric statement at " + statement.where() + " failed: "
                        + lastFailure + "; running it again in " + RETRY_SECONDS + " s");
                System.err.flush();
                try {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(RETRY_SECONDS));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** One row: the series of its labels moves by its samples, unless that series would pass the cap. */
        private void row(ResultSet rs, String[] labels) throws SQLException {
            synchronized (series) {
                // the client keeps the array of a new series as its key: each row its own (labels is refilled)
                String[] values = labels.clone();
                List<String> key = List.of(values);
                if (!series.containsKey(key) && series.size() >= settings.maxSeries()) {
                    for (String name : sampleNames) {
                        dropped.labelValues(name, "series_cap").inc();
                    }
                    return;
                }
                series.put(key, System.nanoTime());
                for (int k = 0; k < samples.length; k++) {
                    double v = rs.getDouble(sampleColumns[k]);
                    if (rs.wasNull()) {
                        continue;
                    }
                    if (samples[k] instanceof Counter counter) {
                        if (v < 0) {
                            dropped.labelValues(sampleNames[k], "negative").inc();
                            continue;
                        }
                        CounterDataPoint point = counter.labelValues(values);
                        point.inc(v);
                    } else {
                        GaugeDataPoint point = ((Gauge) samples[k]).labelValues(values);
                        point.set(v);
                    }
                }
            }
        }

        /** Removes the series no row has moved for the stale time. */
        void expire(long now) {
            long stale = TimeUnit.SECONDS.toNanos(settings.staleSeconds());
            synchronized (series) {
                Iterator<Map.Entry<List<String>, Long>> it = series.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<List<String>, Long> e = it.next();
                    if (now - e.getValue() >= stale) {
                        String[] labels = e.getKey().toArray(String[]::new);
                        for (StatefulMetric<?, ?> m : samples) {
                            m.remove(labels);
                        }
                        it.remove();
                    }
                }
            }
        }

        void stop() {
            thread.interrupt();
            Statement st = running;
            if (st != null) {
                try {
                    st.cancel();
                } catch (SQLException e) {
                    // stopping anyway
                }
            }
        }
    }

    /** A column's name as a Prometheus label: {@code proc.name} is {@code proc_name}. */
    static String labelName(String column) {
        String name = column.replaceAll("[^A-Za-z0-9_]", "_");
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            name = "_" + name;
        }
        return name.startsWith("__") ? "x" + name : name; // names starting with __ are Prometheus' own
    }

    private static boolean numeric(int type) {
        switch (type) {
            case Types.TINYINT:
            case Types.SMALLINT:
            case Types.INTEGER:
            case Types.BIGINT:
            case Types.REAL:
            case Types.FLOAT:
            case Types.DOUBLE:
            case Types.DECIMAL:
            case Types.NUMERIC:
                return true;
            default:
                return false;
        }
    }
}
