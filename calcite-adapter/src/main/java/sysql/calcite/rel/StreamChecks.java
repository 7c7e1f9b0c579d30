// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import sysql.calcite.SysqlException;

/**
 * Refuses a plan that would read the live stream into an operator that needs its whole input (an aggregate
 * that is not windowed, a sort, an OVER window, the build side of a join, MINUS or INTERSECT): over a stream
 * that never ends, it would wait forever. Windowed GROUP BY runs on sysql's own operator instead; a windowed
 * aggregate that could not be planned on it (it uses something the operator does not support) is refused by
 * naming that, stream or not: over history or a file, Calcite cannot run a group window function
 * ({@code GROUP BY TUMBLE(…)}) itself either.
 */
public final class StreamChecks {
    /** The plan as the planner was given it, or null: where a refusal looks for what is not supported. */
    private final RelNode logical;

    private StreamChecks(RelNode logical) {
        this.logical = logical;
    }

    public static void check(RelNode plan) {
        check(plan, (RelNode) null);
    }

    /**
     * Checks {@code plan}; {@code logical} is the plan before the planner rewrote it (or null). What a windowed
     * aggregate uses that is not supported is looked for there first: the planner may have rewritten the
     * aggregate into forms further from what the query says (AVG into SUM and COUNT, DISTINCT into grouping
     * sets…).
     */
    public static void check(RelNode plan, RelNode logical) {
        new StreamChecks(logical).walk(plan, new ArrayDeque<>());
    }

    /** {@code blocking}: the operators above {@code n} that need their whole input, innermost first. */
    private void walk(RelNode n, Deque<RelNode> blocking) {
        if (n instanceof Aggregate a && hasGroupWindow(a)) {
            throw unsupported(a, readsTheLiveStream(a));
        }
        if (n instanceof EventsScan scan
                && scan.source() == EventsScan.Source.LIVE
                && scan.engine().isLive()
                && !blocking.isEmpty()) {
            for (RelNode b : blocking) {
                if (b instanceof Aggregate a && WindowRules.unsupported(a) != null) {
                    throw unsupported(a, true);
                }
            }
            throw new SysqlException("this streaming query would wait forever: " + what()
                    + " the live stream never ends. Aggregate per window (SELECT STREAM TUMBLE_END(evt.time, "
                    + "INTERVAL '1' SECOND), proc.name, COUNT(*) FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' "
                    + "SECOND), proc.name), or drop STREAM to query the history");
        }
        for (int i = 0; i < n.getInputs().size(); i++) {
            boolean blocks = n instanceof Aggregate
                    || n instanceof Window
                    || n instanceof Minus
                    || n instanceof Intersect
                    || (n instanceof Sort s
                            && !s.getCollation().getFieldCollations().isEmpty())
                    || (n instanceof Join && i == 1);
            if (blocks) {
                blocking.push(n);
            }
            walk(n.getInput(i), blocking);
            if (blocks) {
                blocking.pop();
            }
        }
    }

    /** The error for a windowed aggregate sysql's operator does not run, naming what it uses that it lacks. */
    private SysqlException unsupported(Aggregate a, boolean stream) {
        String what = logical == null ? null : firstUnsupported(logical);
        if (what == null) {
            what = WindowRules.unsupported(a);
        }
        return new SysqlException((stream ? "this streaming query cannot run: " : "")
                + "sysql's window aggregate (GROUP BY TUMBLE/HOP) does not support "
                + (what != null ? what : "this query's shape (a plan its rules do not match)"));
    }

    /** What the first windowed aggregate in {@code n} that sysql's operator cannot run uses, or null. */
    private static String firstUnsupported(RelNode n) {
        if (n instanceof Aggregate a) {
            String what = WindowRules.unsupported(a);
            if (what != null) {
                return what;
            }
        }
        for (RelNode in : n.getInputs()) {
            String what = firstUnsupported(in);
            if (what != null) {
                return what;
            }
        }
        return null;
    }

    private static boolean readsTheLiveStream(RelNode n) {
        if (n instanceof EventsScan scan) {
            return scan.source() == EventsScan.Source.LIVE && scan.engine().isLive();
        }
        return n.getInputs().stream().anyMatch(StreamChecks::readsTheLiveStream);
    }

    /** True when a group key of {@code a} is a group window function ($TUMBLE…), which Calcite cannot run. */
    private static boolean hasGroupWindow(Aggregate a) {
        RelNode in = a.getInput();
        List<RexNode> exprs = in instanceof Project p
                ? p.getProjects()
                : in instanceof Calc c
                        ? c.getProgram().expandList(c.getProgram().getProjectList())
                        : List.of();
        for (int g : a.getGroupSet()) {
            if (g < exprs.size()
                    && exprs.get(g) instanceof RexCall call
                    && call.getOperator().getName().matches("\\$(TUMBLE|HOP|SESSION)")) {
                return true;
            }
        }
        return false;
    }

    private static String what() {
        return "a GROUP BY without a window, an ORDER BY, a join with the stream on its right or MINUS/INTERSECT over";
    }
}
