// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.util.ImmutableBitSet;
import org.junit.jupiter.api.Test;
import sysql.calcite.metadata.PrecompiledMetadata;

/**
 * The metadata handlers compiled with the module (calcite-adapter/src/codegen, PrecompiledMetadata): the kinds a
 * plan asks for are served by them, plans use them, and they answer as the handlers Janino compiles from the same
 * provider do, node by node of real plans.
 */
class PrecompiledMetadataTest extends CaptureFileTests {
    PrecompiledMetadataTest() throws Exception {
        super("falco_cat_write.scap");
    }

    /** The kinds planning asks for (a query's first plan compiled these with Janino before). */
    private static final List<Class<? extends MetadataHandler<?>>> PLANNING_KINDS = List.of(
            BuiltInMetadata.Collation.Handler.class,
            BuiltInMetadata.NonCumulativeCost.Handler.class,
            BuiltInMetadata.NodeTypes.Handler.class,
            BuiltInMetadata.RowCount.Handler.class,
            BuiltInMetadata.Predicates.Handler.class,
            BuiltInMetadata.ColumnUniqueness.Handler.class,
            BuiltInMetadata.DistinctRowCount.Handler.class,
            BuiltInMetadata.UniqueKeys.Handler.class,
            BuiltInMetadata.Selectivity.Handler.class,
            BuiltInMetadata.MaxRowCount.Handler.class,
            BuiltInMetadata.MinRowCount.Handler.class,
            BuiltInMetadata.Distribution.Handler.class,
            BuiltInMetadata.ExplainVisibility.Handler.class,
            BuiltInMetadata.ColumnOrigin.Handler.class,
            BuiltInMetadata.Size.Handler.class);

    private static final List<String> QUERIES = List.of(
            "SELECT COUNT(*) FROM events",
            "SELECT proc.name, COUNT(*) AS n FROM events WHERE evt.type = 'openat' GROUP BY proc.name ORDER BY n DESC",
            "SELECT p.proc.name, COUNT(*) FROM events e JOIN processes p ON e.proc.pid = p.proc.pid "
                    + "WHERE e.evt.dir = '<' GROUP BY p.proc.name",
            "SELECT DISTINCT fd.name FROM events WHERE fd.type = 'file' AND evt.rawres >= 0 LIMIT 5",
            "SELECT evt.num, proc.name FROM events WHERE evt.num IN (SELECT MAX(evt.num) FROM events GROUP BY thread.tid)");

    @Test
    void theKindsPlanningUsesAreCompiledWithTheModule() {
        for (Class<? extends MetadataHandler<?>> kind : PLANNING_KINDS) {
            assertTrue(PrecompiledMetadata.isPrecompiled(kind), kind.getName() + " is left to Janino");
        }
    }

    @Test
    void plansUseThem() throws Exception {
        long before = PrecompiledMetadata.queriesMade();
        TestConnections.rows(c, "SELECT proc.name, COUNT(*) FROM events GROUP BY proc.name");
        assertTrue(PrecompiledMetadata.queriesMade() > before, "planning made no metadata query over them");
    }

    @Test
    @SuppressWarnings("try") // the hook is on while the query plans
    void theyAnswerAsJaninosHandlersDoOverRealPlans() throws Exception {
        int compared = 0;
        for (String sql : QUERIES) {
            List<RelNode> plans = new ArrayList<>();
            Consumer<RelRoot> keep = root -> plans.add(root.rel);
            try (Hook.Closeable ignored = Hook.PLAN_BEFORE_IMPLEMENTATION.addThread(keep)) {
                TestConnections.rows(c, sql);
            }
            assertEquals(1, plans.size(), sql);
            RelMetadataQuery precompiled = PrecompiledMetadata.query();
            RelMetadataQuery janino = new RelMetadataQuery(JaninoRelMetadataProvider.DEFAULT);
            for (RelNode node : nodes(plans.get(0))) {
                assertEquals(describe(janino, node), describe(precompiled, node), sql + ": " + node);
                compared++;
            }
        }
        assertTrue(compared >= 15, "only " + compared + " plan nodes compared");
    }

    /** What a metadata query says of one node, over the kinds planning uses. */
    private static String describe(RelMetadataQuery mq, RelNode node) {
        ImmutableBitSet first = node.getRowType().getFieldCount() == 0 ? ImmutableBitSet.of() : ImmutableBitSet.of(0);
        return String.join(
                "\n",
                "rows " + mq.getRowCount(node),
                "cost " + mq.getNonCumulativeCost(node),
                "collations " + mq.collations(node),
                "node types " + mq.getNodeTypes(node),
                "predicates " + mq.getPulledUpPredicates(node).pulledUpPredicates,
                "unique " + mq.areColumnsUnique(node, first),
                "distinct " + mq.getDistinctRowCount(node, first, null),
                "unique keys " + mq.getUniqueKeys(node),
                "max rows " + mq.getMaxRowCount(node),
                "min rows " + mq.getMinRowCount(node),
                "selectivity " + mq.getSelectivity(node, null),
                "distribution " + mq.distribution(node),
                "average row size " + mq.getAverageRowSize(node));
    }

    private static List<RelNode> nodes(RelNode root) {
        List<RelNode> all = new ArrayList<>();
        all.add(root);
        for (int i = 0; i < all.size(); i++) {
            all.addAll(all.get(i).getInputs());
        }
        return all;
    }
}
