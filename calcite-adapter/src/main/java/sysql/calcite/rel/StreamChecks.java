package sysql.calcite.rel;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.Window;
import sysql.calcite.SysqlException;

/**
 * Refuses a plan that would read the live stream into an operator that needs its whole input (an aggregate
 * that is not windowed, a sort, an OVER window, the build side of a join, MINUS or INTERSECT): over a stream
 * that never ends, it would wait forever. Windowed GROUP BY runs on sysql's own operator instead.
 */
public final class StreamChecks {
    private StreamChecks() {}

    public static void check(RelNode plan) {
        check(plan, false);
    }

    private static void check(RelNode n, boolean underBlocking) {
        if (n instanceof EventsScan scan && scan.source() == EventsScan.Source.LIVE && scan.engine().isLive()
                && underBlocking) {
            throw new SysqlException("this streaming query would wait forever: " + what(underBlocking)
                    + " the live stream never ends. Aggregate per window (SELECT STREAM TUMBLE_END(evt.time, "
                    + "INTERVAL '1' SECOND), proc.name, COUNT(*) FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' "
                    + "SECOND), proc.name), or drop STREAM to query the history");
        }
        for (int i = 0; i < n.getInputs().size(); i++) {
            boolean blocks = n instanceof Aggregate || n instanceof Window || n instanceof Minus || n instanceof Intersect
                    || (n instanceof Sort s && !s.getCollation().getFieldCollations().isEmpty())
                    || (n instanceof Join && i == 1);
            check(n.getInput(i), underBlocking || blocks);
        }
    }

    private static String what(boolean blocking) {
        return "a GROUP BY without a window, an ORDER BY, a join with the stream on its right or MINUS/INTERSECT over";
    }
}
