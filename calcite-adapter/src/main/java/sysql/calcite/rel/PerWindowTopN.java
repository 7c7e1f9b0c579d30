// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelNode;

/**
 * A windowed aggregate of a stream that orders and cuts each window's rows itself ({@link WindowAggregateScan},
 * {@link RowsWindowAggregate}): what {@link WindowRules}' top-N rules fold a stream's ORDER BY and LIMIT into.
 */
interface PerWindowTopN {
    /** True when it aggregates a stream (a history's ORDER BY is an ordinary sort). */
    boolean isStream();

    boolean hasTopN();

    boolean hasLimit();

    /** Each window's order, or null. */
    RelCollation order();

    /** The same with each window's rows in {@code newOrder} (null: as they come), the first {@code newLimit}. */
    RelNode withTopN(RelCollation newOrder, long newLimit);

    /** True when output column {@code i} is the window's start or end. */
    boolean isWindowColumn(int i);
}
