// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.jdbc.CalciteConnection;
import sysql.calcite.chisel.ChiselsSchema;
import sysql.calcite.schema.SysqlSchema;
import sysql.calcite.sql.SysqlTypeSystem;
import sysql.sql.parser.impl.SysqlParserImpl;

/**
 * How a Calcite connection becomes a sysql connection: the SQL dialect settings every connection uses, and
 * the {@code sysql} schema installed as its default schema.
 */
public final class SysqlConnections {
    private SysqlConnections() {}

    /**
     * Calcite settings of a sysql connection, PostgreSQL's way with names: unquoted identifiers are folded to
     * lower case, quoted ones kept, and names match exactly (sysdig has parameters that differ by case only,
     * {@code evt.arg.ID} and {@code evt.arg.id}); double quotes; the lenient conformance (GROUP BY and ORDER BY
     * by ordinal or alias, {@code !=}); times in UTC.
     */
    public static Properties calciteProperties() {
        Properties p = new Properties();
        p.setProperty("quoting", "DOUBLE_QUOTE");
        p.setProperty("quotedCasing", "UNCHANGED");
        p.setProperty("unquotedCasing", "TO_LOWER");
        p.setProperty("caseSensitive", "true");
        p.setProperty("conformance", "LENIENT");
        // Calcite's grammar generated with sysdig's field names as identifiers (module sql-parser)
        p.setProperty("parserFactory", SysqlParserImpl.class.getName() + "#FACTORY");
        // the function libraries of PostgreSQL, MySQL and BigQuery beside the standard ones (regexp_replace,
        // split_part, lpad, concat_ws...), looked up in any case (SysqlPrepare)
        p.setProperty("fun", "standard,postgresql,mysql,bigquery");
        p.setProperty("typeSystem", SysqlTypeSystem.class.getName() + "#INSTANCE");
        p.setProperty("timeZone", "UTC");
        // sysql has no materialized views; with them enabled every plan is walked for its tables by
        // RelMdNodeTypes, whose maps grow with the plan unrolled as a tree: exponential in the number of
        // correlated subqueries, whose decorrelated plans share their outer input
        p.setProperty("materializationsEnabled", "false");
        return p;
    }

    /** Installs schema {@code sysql} over {@code engine} and makes it the connection's default. */
    public static void install(Connection connection, SysqlEngine engine) throws SQLException {
        install(connection, engine, QuerySettings.DEFAULT);
    }

    /**
     * Installs schema {@code sysql} over {@code engine}, with the connection's limits, as its default, and the chisel
     * library as schema {@code chisels}.
     */
    public static void install(Connection connection, SysqlEngine engine, QuerySettings settings) throws SQLException {
        CalciteConnection c = connection.unwrap(CalciteConnection.class);
        c.getRootSchema().add(SysqlSchema.NAME, new SysqlSchema(engine, settings));
        c.getRootSchema().add(ChiselsSchema.NAME, new ChiselsSchema(c));
        c.setSchema(SysqlSchema.NAME);
    }
}
