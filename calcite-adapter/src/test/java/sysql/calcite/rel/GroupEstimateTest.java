// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The groups an aggregate will hold, estimated from its input's distinct keys in bounded memory: exact for few
 * keys however many rows repeat them, within a few percent for many, and growing as new keys come.
 */
class GroupEstimateTest {
    @Test
    void fewKeysAreCountedExactlyHoweverOftenTheyRepeat() {
        MemoryBudget.GroupEstimate e = new MemoryBudget.GroupEstimate(new int[] {1}, 100);
        long bytes = 0;
        for (int i = 0; i < 1_000_000; i++) {
            bytes = e.add(new Object[] {(long) i, "proc-" + (i % 50), 7L});
        }
        assertEquals(50, e.count());
        assertTrue(bytes > 50 * 100 && bytes < 50 * 200, "bytes " + bytes);
    }

    @Test
    void manyKeysAreEstimatedWithinAFewPercent() {
        for (int distinct : new int[] {5_000, 100_000, 2_000_000}) {
            MemoryBudget.GroupEstimate e = new MemoryBudget.GroupEstimate(new int[] {0, 2}, 100);
            long previous = 0;
            for (int i = 0; i < distinct * 2; i++) {
                int key = i % distinct;
                e.add(new Object[] {"host-" + (key % 97), 0L, (long) (key / 97)});
                if (i < distinct && i % 1000 == 999) {
                    assertTrue(
                            e.count() >= previous * 9 / 10, "the estimate fell from " + previous + " to " + e.count());
                    previous = e.count();
                }
            }
            double error = Math.abs(e.count() - distinct) / (double) distinct;
            assertTrue(error < 0.1, distinct + " keys estimated as " + e.count());
        }
    }
}
