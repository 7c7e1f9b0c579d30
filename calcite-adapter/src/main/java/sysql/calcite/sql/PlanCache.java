// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.CalcitePrepare.CalciteSignature;
import org.apache.calcite.jdbc.CalciteSchema;
import sysql.calcite.QuerySettings;
import sysql.calcite.SysqlEngine;
import sysql.calcite.schema.SysqlSchema;

/**
 * The plans of the live host's queries, by their SQL text: planning and compiling a query costs about a hundred
 * milliseconds of CPU, and a dashboard, a BI tool or a {@code sysql serve} client asks the same few queries again
 * and again, each on a connection of its own. A plan is reusable as it is: it reads its tables and the event
 * source when it runs (every run its own enumerators, the statement's cancel flag, the time of that run), never
 * when it was planned; the key holds everything planning depended on (the text, the engine, the connection's
 * limits, its default schema, what the caller wants rows as, the row limit). Only the live engine's plans are
 * kept: it lives as long as the process, where a {@code file=} connection's engine would be held after its close.
 * At most {@link #CAPACITY} plans, the least recently used dropped first.
 */
final class PlanCache {
    static final int CAPACITY = 256;

    private record Key(
            String sql,
            Type elementType,
            long maxRowCount,
            List<String> defaultSchema,
            SysqlEngine engine,
            QuerySettings settings) {}

    private static final Map<Key, CalciteSignature<?>> PLANS = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, CalciteSignature<?>> eldest) {
            return size() > CAPACITY;
        }
    };
    private static final AtomicLong HITS = new AtomicLong();

    private PlanCache() {}

    /** Plans served from the cache since the process started (a test's view). */
    static long hits() {
        return HITS.get();
    }

    /** The key of a statement, or null when its plan is not to be kept. */
    static Object key(CalcitePrepare.Context context, String sql, Type elementType, long maxRowCount) {
        if (sql == null) {
            return null;
        }
        CalciteSchema s = context.getRootSchema().getSubSchema(SysqlSchema.NAME, true);
        if (s == null
                || !(s.schema instanceof SysqlSchema schema)
                || !schema.engine().isLive()) {
            return null;
        }
        return new Key(
                sql,
                elementType,
                maxRowCount,
                List.copyOf(context.getDefaultSchemaPath()),
                schema.engine(),
                schema.settings());
    }

    @SuppressWarnings("unchecked")
    static <T> CalciteSignature<T> get(Object key) {
        CalciteSignature<?> s;
        synchronized (PLANS) {
            s = PLANS.get(key);
        }
        if (s != null) {
            HITS.incrementAndGet();
        }
        return (CalciteSignature<T>) s;
    }

    /** Drops the plans over {@code engine} (it is closing: they would hold it and its history). */
    static void forget(SysqlEngine engine) {
        synchronized (PLANS) {
            PLANS.keySet().removeIf(k -> k.engine() == engine);
        }
    }

    /** Keeps {@code s} if it is a query's plan (what changes nothing can be run again as it is). */
    static void put(Object key, CalciteSignature<?> s) {
        if (s.statementType == Meta.StatementType.SELECT) {
            synchronized (PLANS) {
                PLANS.put((Key) key, s);
            }
        }
    }
}
