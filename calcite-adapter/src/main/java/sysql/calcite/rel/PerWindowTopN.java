// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.List;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelNode;

/**
 * A windowed aggregate of a stream that orders and cuts each window's rows itself ({@link WindowAggregateScan},
 * {@link RowsWindowAggregate}): what {@link WindowRules}' top-N rules fold a stream's ORDER BY and LIMIT into.
 */
interface PerWindowTopN {
    /** True when it aggregates a stream (a history's ORDER BY is an ordinary sort). */
    boolean isStream();

    /** Each window's order, or null. */
    RelCollation order();

    /** How many rows of each window it keeps, or -1: all. */
    long limit();

    /** Its output columns. */
    List<WindowAggregator.Output> outputs();

    /** The same with each window's rows in {@code newOrder} (null: as they come), the first {@code newLimit}. */
    RelNode withTopN(RelCollation newOrder, long newLimit);

    default boolean hasTopN() {
        return order() != null || limit() >= 0;
    }

    default boolean hasLimit() {
        return limit() >= 0;
    }

    /** True when output column {@code i} is the window's start or end. */
    default boolean isWindowColumn(int i) {
        WindowAggregator.Role r = outputs().get(i).role();
        return r == WindowAggregator.Role.WINDOW_START || r == WindowAggregator.Role.WINDOW_END;
    }
}
