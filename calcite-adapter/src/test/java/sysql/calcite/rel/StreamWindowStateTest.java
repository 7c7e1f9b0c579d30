// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.sql.SqlKind;
import org.junit.jupiter.api.Test;
import sysql.calcite.SysqlException;

/**
 * {@link StreamWindow}'s state over a stream that never ends: a partition silent for 10 minutes is forgotten,
 * and more live partitions than the limit is a clear error.
 */
class StreamWindowStateTest {
    private static final long MINUTE = 60_000_000_000L;

    /** COUNT(*) OVER (PARTITION BY column 0 … CURRENT ROW) over rows {key}, at the clock's times. */
    private static List<Long> counts(List<String> keys, List<Long> minutes, int maxPartitions) {
        AtomicLong now = new AtomicLong();
        StreamWindow.Spec spec = new StreamWindow.Spec(
                1,
                List.of(new StreamWindow.Group(new int[] {0}, 0, List.of(new StreamWindow.Agg(SqlKind.COUNT, -1, 0L)))),
                maxPartitions,
                now::get);
        List<Object[]> rows = new ArrayList<>();
        for (String k : keys) {
            rows.add(new Object[] {k});
        }
        List<Long> out = new ArrayList<>();
        try (Enumerator<Object[]> e = spec.apply(Linq4j.asEnumerable(rows)).enumerator()) {
            for (int i = 0; i < keys.size(); i++) {
                now.set(minutes.get(i) * MINUTE);
                assertTrue(e.moveNext());
                out.add((Long) e.current()[1]);
            }
        }
        return out;
    }

    @Test
    void aPartitionSilentForTenMinutesStartsAnew() {
        assertEquals(
                List.of(1L, 1L, 2L, 2L, 3L, 1L),
                counts(List.of("a", "b", "a", "b", "a", "a"), List.of(0L, 1L, 5L, 9L, 14L, 25L), 10));
    }

    @Test
    void morePartitionsThanTheLimitIsAnError() {
        SysqlException e =
                assertThrows(SysqlException.class, () -> counts(List.of("a", "b", "c"), List.of(0L, 0L, 1L), 2));
        assertTrue(e.getMessage().contains("keeps more than 2 partitions"), e.getMessage());
        // the same once the first two were silent for 10 minutes
        assertEquals(List.of(1L, 1L, 1L), counts(List.of("a", "b", "c"), List.of(0L, 0L, 11L), 2));
    }
}
