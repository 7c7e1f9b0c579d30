// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.DataContext;
import org.apache.calcite.DataContexts;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.junit.jupiter.api.Test;
import sysql.calcite.SysqlException;

/**
 * An input counted again counts its latest pass only: read again, or built again for each row of an outer input (a
 * correlated subquery's plan is made once per outer row), it does not add up to the budget; different inputs do.
 */
class MemoryBudgetPassTest {
    static final List<Object[]> ROWS = new ArrayList<>();

    static {
        for (int i = 0; i < 1000; i++) {
            ROWS.add(new Object[] {"process-" + i, (long) i});
        }
    }

    static long read(Enumerable<Object[]> rows) {
        long n = 0;
        try (Enumerator<Object[]> e = rows.enumerator()) {
            while (e.moveNext()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void anInputCountedAgainCountsItsLatestPassOnly() {
        DataContext execution = DataContexts.of(Map.of());
        // about 120 KB a pass, 200 passes: 24 MB if they added up
        for (int pass = 0; pass < 200; pass++) {
            Enumerable<Object[]> counted =
                    MemoryBudget.counted(Linq4j.asEnumerable(ROWS), execution, 1 << 20, "a sort", 3);
            assertTrue(read(counted) == 1000);
        }
        Enumerable<Object[]> again = MemoryBudget.counted(Linq4j.asEnumerable(ROWS), execution, 1 << 20, "a sort", 3);
        for (int pass = 0; pass < 200; pass++) {
            read(again);
        }
        // inputs at different sites add up
        SysqlException e = assertThrows(SysqlException.class, () -> {
            for (int site = 10; site < 30; site++) {
                read(MemoryBudget.counted(Linq4j.asEnumerable(ROWS), execution, 1 << 20, "a join", site));
            }
        });
        assertTrue(e.getMessage().startsWith("the statement kept more than 1 MiB of rows in a join"), e.getMessage());
    }
}
