// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sysql.calcite.TestConnections.rows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A DOUBLE field of the catalog (proc.fdusage) in SQL: selected, filtered, a key and an aggregate's argument, in
 * plain and windowed queries (the columnar path), with the same values as its definition (open descriptors as a
 * percentage of the limit).
 */
class DoubleFieldsTest extends CaptureFileTests {
    DoubleFieldsTest() throws Exception {
        super("libs_curl_google.scap");
    }

    @Test
    void selectedAndFilteredAsADouble() throws Exception {
        List<List<Object>> rs =
                rows(c, "SELECT proc.fdusage, proc.fdopencount, proc.fdlimit FROM events WHERE proc.fdusage > 0.05");
        assertFalse(rs.isEmpty());
        for (List<Object> r : rs) {
            double usage = (Double) r.get(0);
            assertEquals(((Long) r.get(1)) * 100.0 / (Long) r.get(2), usage, 1e-12);
            assertTrue(usage > 0.05);
        }
    }

    @Test
    void aKeyAndAnAggregateInWindows() throws Exception {
        Map<String, Double> plain = new HashMap<>();
        for (List<Object> r : rows(c, "SELECT proc.name, MAX(proc.fdusage) FROM events GROUP BY proc.name")) {
            plain.put(String.valueOf(r.get(0)), (Double) r.get(1));
        }
        Map<String, Double> windowed = new HashMap<>();
        for (List<Object> r : rows(
                c,
                "SELECT proc.name, MAX(proc.fdusage) AS m FROM events "
                        + "GROUP BY TUMBLE(evt.time, INTERVAL '1' HOUR), proc.name")) {
            Double v = (Double) r.get(1);
            Double old = windowed.get(String.valueOf(r.get(0)));
            if (old == null || v != null && v > old) {
                windowed.put(String.valueOf(r.get(0)), v);
            }
        }
        assertEquals(plain, windowed);
        assertTrue(plain.values().stream().anyMatch(v -> v != null && v > 0));
        String byUsage = "SELECT proc.fdusage, COUNT(*) FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' HOUR), "
                + "proc.fdusage";
        String plan = TestConnections.explain(c, byUsage);
        assertTrue(plan.contains("WindowAggregate"), "the windowed aggregate reads the columnar batches: " + plan);
        List<List<Object>> keys = rows(c, byUsage);
        assertTrue(keys.size() > 1, "distinct usages: " + keys);
        for (List<Object> r : keys) {
            assertTrue(r.get(0) == null || r.get(0) instanceof Double, "a DOUBLE key: " + r);
        }
    }
}
