// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.CalcitePrepare.CalciteSignature;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCostFactory;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalcitePrepareImpl;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.stream.Delta;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.apache.calcite.sql.validate.SqlNameMatchers;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql2rel.SqlRexConvertletTable;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.CancelFlag;
import org.checkerframework.checker.nullness.qual.Nullable;
import sysql.calcite.QuerySettings;
import sysql.calcite.SysqlException;
import sysql.calcite.metadata.PrecompiledMetadata;
import sysql.calcite.rel.Cancellation;
import sysql.calcite.rel.EventsRules;
import sysql.calcite.rel.MemoryBudgets;
import sysql.calcite.rel.StashedValues;
import sysql.calcite.rel.StreamChecks;
import sysql.calcite.rel.StreamRules;
import sysql.calcite.rel.WindowRules;
import sysql.calcite.schema.SysqlSchema;
import sysql.sql.parser.impl.SysqlParserImpl;

/**
 * Calcite's statement preparation with sysql's parts: sysql's grammar (module sql-parser: Calcite's,
 * with sysdig's field names as identifiers), sysql's validator, sysql's planner
 * rules, and Java names for the fields of the classes Calcite generates for rows ({@link SysqlTypeFactory}). Every statement of a {@code jdbc:sysql:} connection goes through it.
 */
public class SysqlPrepare extends CalcitePrepareImpl {
    /**
     * Every statement's rows go out as soon as each exists (see {@link RowAtATime}); the live host's query plans
     * are kept by their text (see {@link PlanCache}).
     */
    @Override
    public <T> CalciteSignature<T> prepareSql(
            CalcitePrepare.Context context, CalcitePrepare.Query<T> query, Type elementType, long maxRowCount) {
        // a view's SQL (the chisels) is prepared inside a statement's: only the statement's own preparation ends its
        // planning
        boolean statements = PlanningCancel.enter() == 1;
        try {
            Object key = PlanCache.key(context, query.sql, elementType, maxRowCount);
            CalciteSignature<T> kept = key == null ? null : PlanCache.get(key);
            if (kept != null) {
                if (statements) {
                    PlanningCancel.planned();
                }
                return kept;
            }
            CalciteSignature<T> s = RowAtATime.of(super.prepareSql(context, query, elementType, maxRowCount));
            if (statements) {
                PlanningCancel.planned();
            }
            if (key != null) {
                PlanCache.put(key, s);
            }
            return s;
        } catch (StackOverflowError e) {
            // a shape SqlLimits lets through that Calcite still recurses through too deeply: the stack is unwound
            // here, and the statement fails like any other
            throw new SysqlException("the statement nests too deeply for sysql to plan it: write long chains of OR"
                    + " as IN (...), and split long UNIONs or deeply nested subqueries into several statements");
        } finally {
            PlanningCancel.leave();
        }
    }

    /** Forgets the kept plans over {@code engine}, which is closing. */
    public static void forgetPlans(sysql.calcite.SysqlEngine engine) {
        PlanCache.forget(engine);
    }

    /** Plans served from the cache so far (a test's view). */
    public static long planCacheHits() {
        return PlanCache.hits();
    }

    /**
     * The parser settings of every sysql connection ({@code SysqlConnections.calciteProperties()}) for the SQL
     * Calcite parses without a connection's settings: a view's (the chisels) when it is expanded.
     */
    public static final SqlParser.Config PARSER_CONFIG = SqlParser.config()
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withQuotedCasing(Casing.UNCHANGED)
            .withUnquotedCasing(Casing.TO_LOWER)
            .withCaseSensitive(true)
            .withConformance(SqlConformanceEnum.LENIENT)
            .withParserFactory(SysqlParserImpl.FACTORY);

    @Override
    protected SqlParser createParser(String sql) {
        return createParser(sql, PARSER_CONFIG);
    }

    @Override
    protected SqlParser createParser(String sql, SqlParser.Config parserConfig) {
        SqlLimits.checkText(sql);
        return SqlParser.create(sql, parserConfig.withParserFactory(SysqlParserImpl.FACTORY));
    }

    @Override
    protected RelOptPlanner createPlanner(
            CalcitePrepare.Context prepareContext,
            org.apache.calcite.plan.Context externalContext,
            RelOptCostFactory costFactory) {
        // the statement's cancel flag and time limit (PlanningCancel), looked at before every rule the planner fires
        CancelFlag cancel = PlanningCancel.cancelFlag();
        if (cancel != null) {
            externalContext = Contexts.chain(
                    Contexts.of(cancel),
                    externalContext != null ? externalContext : Contexts.of(prepareContext.config()));
        }
        RelOptPlanner planner = super.createPlanner(prepareContext, externalContext, costFactory);
        // the event scans' own rules come with the first scan the planner registers (EventsScan.register)
        planner.removeRule(EnumerableRules.ENUMERABLE_VALUES_RULE);
        planner.addRule(StashedValues.RULE);
        for (var rule : WindowRules.ALL) {
            planner.addRule(rule);
        }
        for (var rule : StreamRules.ALL) {
            planner.addRule(rule);
        }
        return planner;
    }

    /**
     * Calcite's cluster, whose metadata queries use the handlers compiled with this module
     * ({@link PrecompiledMetadata}) instead of the ones Janino compiles in each process. The programs that set
     * the cluster's metadata provider set Calcite's default one, which these handlers are generated from.
     */
    @Override
    protected RelOptCluster createCluster(RelOptPlanner planner, RexBuilder rexBuilder) {
        RelOptCluster cluster = super.createCluster(planner, rexBuilder);
        cluster.setMetadataQuerySupplier(PrecompiledMetadata::query);
        return cluster;
    }

    @Override
    protected CalcitePreparingStmt getPreparingStmt(
            CalcitePrepare.Context context,
            Type elementType,
            CalciteCatalogReader catalogReader,
            RelOptPlanner planner) {
        EnumerableRel.Prefer prefer =
                elementType == Object[].class ? EnumerableRel.Prefer.ARRAY : EnumerableRel.Prefer.CUSTOM;
        SysqlTypeFactory types = new SysqlTypeFactory(context.getTypeFactory().getTypeSystem());
        return new PreparingStmt(
                this,
                context,
                catalogReader,
                types,
                prefer,
                createCluster(planner, new RexBuilder(types)),
                SysqlConvertlets.INSTANCE);
    }

    /** Calcite's preparing statement with sysql's validator and sysql's program before Calcite's. */
    private static final class PreparingStmt extends CalcitePreparingStmt {
        PreparingStmt(
                CalcitePrepareImpl prepare,
                CalcitePrepare.Context context,
                CalciteCatalogReader catalogReader,
                SysqlTypeFactory types,
                EnumerableRel.Prefer prefer,
                RelOptCluster cluster,
                SqlRexConvertletTable convertlets) {
            super(
                    prepare,
                    context,
                    catalogReader,
                    types,
                    context.getRootSchema(),
                    prefer,
                    cluster,
                    EnumerableConvention.INSTANCE,
                    convertlets);
        }

        @Override
        protected SqlValidator createSqlValidator(
                Prepare.CatalogReader catalogReader, UnaryOperator<SqlValidator.Config> configTransform) {
            SqlOperatorTable functions = context.config().fun(SqlOperatorTable.class, SqlStdOperatorTable.instance());
            List<SqlOperatorTable> tables = new ArrayList<>();
            tables.add(caseInsensitive(functions));
            tables.add((CalciteCatalogReader) catalogReader);
            SqlValidator.Config config = configTransform.apply(SqlValidator.Config.DEFAULT
                    .withLenientOperatorLookup(context.config().lenientOperatorLookup())
                    .withConformance(context.config().conformance())
                    .withDefaultNullCollation(context.config().defaultNullCollation())
                    .withIdentifierExpansion(true));
            return new SysqlValidator(
                    SqlOperatorTables.chain(tables),
                    (CalciteCatalogReader) catalogReader,
                    context.getTypeFactory(),
                    config);
        }

        /**
         * The function libraries ({@code fun}) looked up whatever the case a name is written in, as SQL's own
         * functions are: the connection folds unquoted names to lower case and matches case-sensitively, which
         * suits sysdig's field names, but the library tables register functions in upper case.
         */
        private static SqlOperatorTable caseInsensitive(SqlOperatorTable table) {
            return new SqlOperatorTable() {
                @Override
                public void lookupOperatorOverloads(
                        SqlIdentifier name,
                        @Nullable SqlFunctionCategory category,
                        SqlSyntax syntax,
                        List<SqlOperator> found,
                        SqlNameMatcher matcher) {
                    table.lookupOperatorOverloads(
                            name, category, syntax, found, SqlNameMatchers.withCaseSensitive(false));
                }

                @Override
                public List<SqlOperator> getOperatorList() {
                    return table.getOperatorList();
                }
            };
        }

        @Override
        protected Program getProgram() {
            return Programs.sequence(
                    CorrelatedSubqueries.LIMIT, EventsRules.PRE_TRIM, WindowRules.PHASE, super.getProgram());
        }

        /**
         * A stream is in time order by itself, and a stream's ORDER BY orders each window's rows (see
         * WindowRules): the plan is not asked to sort the whole stream, which it could never finish.
         */
        @Override
        protected RelTraitSet getDesiredRootTraitSet(RelRoot root) {
            if (root.rel instanceof Delta) {
                return root.rel
                        .getTraitSet()
                        .replace(EnumerableConvention.INSTANCE)
                        .replace(RelCollations.EMPTY)
                        .simplify();
            }
            return super.getDesiredRootTraitSet(root);
        }

        /** The plan as the planner was given it, for {@link StreamChecks}' messages. */
        private RelNode logical;

        @Override
        protected RelRoot optimize(
                RelRoot root,
                List<Prepare.Materialization> materializations,
                List<CalciteSchema.LatticeEntry> lattices) {
            logical = root.rel;
            RelRoot optimized;
            try {
                optimized = super.optimize(root, materializations, lattices);
            } catch (RuntimeException e) {
                PlanningCancel.check(e); // a planner stopped by the flag fails as it can (no plan, "aborted")
                throw e;
            }
            PlanningCancel.check(null); // Volcano stopped by the flag keeps the best plan so far
            return optimized;
        }

        @Override
        protected PreparedResult implement(RelRoot root) {
            StreamChecks.check(root.rel, logical);
            PlanningCancel.check(null);
            CalciteSchema sysql = context.getRootSchema().getSubSchema(SysqlSchema.NAME, true);
            long budget = sysql != null && sysql.schema instanceof SysqlSchema s
                    ? s.settings().statementBytes()
                    : QuerySettings.DEFAULT_STATEMENT_BYTES;
            return super.implement(root.withRel(Cancellation.insert(MemoryBudgets.insert(root.rel, budget))));
        }
    }
}
