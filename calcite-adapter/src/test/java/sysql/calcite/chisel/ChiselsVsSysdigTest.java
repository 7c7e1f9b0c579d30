// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.chisel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import sysql.testing.Sysdig;

/**
 * Every chisel of the library against sysdig's own chisel of that name, on every capture the project ships: the
 * rows of the chisel's SQL over the file must be what {@code sysdig -r FILE -c NAME ARGS} prints. Each chisel
 * says how in its header: {@code -- test: ARGS} (one line per run; {@code sysql args => sysdig args} when they
 * differ, arguments separated by {@code " | "}) and {@code -- compare: MODE}:
 *
 * <ul>
 *   <li>{@code top N}: a top-N table: sysdig's rows after its dashed line, in groups of equal first column (a
 *       tie may come in any order); the last group, where a cut at N may pick any of the tied rows, is compared
 *       by its size;
 *   <li>{@code rows [skip K]}: the lines in order, after K header lines of sysdig's;
 *   <li>{@code set [skip K]}: the lines in any order.
 * </ul>
 *
 * A row and a line are compared as their words (whitespace-separated), so sysdig's column padding does not
 * matter. {@code -- differs: CAPTURE: why} marks a capture where the chisel itself is wrong: there the test
 * requires that they differ (so the note cannot outlive the difference) and the header holds the evidence.
 */
class ChiselsVsSysdigTest {
    @Test
    void theLibraryHasTheChisels() {
        assertTrue(
                ChiselLibrary.all().size() >= 3,
                "chisels: " + ChiselLibrary.all().keySet());
        for (Chisel c : ChiselLibrary.all().values()) {
            assertFalse(
                    c.property("compare").isEmpty()
                            && c.property("not-compared").isEmpty(),
                    c.name() + ".sql says neither how it is compared with sysdig (-- compare:) nor why not "
                            + "(-- not-compared:)");
        }
    }

    @TestFactory
    Stream<DynamicNode> eachChiselOnEachCapture() {
        List<Path> captures = ChiselRuns.captures();
        List<String> only = ChiselRuns.only(); // -Dsysql.chisels=a,b runs only those
        return ChiselLibrary.all().values().stream()
                .filter(c -> !c.property("compare").isEmpty())
                .filter(c -> only.isEmpty() || only.contains(c.name()))
                .map(c -> DynamicContainer.dynamicContainer(
                        c.name(),
                        c.property("test").stream()
                                .flatMap(t -> captures.stream()
                                        .map(f -> DynamicTest.dynamicTest(
                                                f.getFileName() + (t.isBlank() ? "" : " (" + t + ")"),
                                                () -> compare(c, t, f))))));
    }

    private static List<String> args(String side) {
        return side.isBlank()
                ? List.of()
                : Arrays.stream(side.split(" \\| ")).map(String::strip).toList();
    }

    private static void compare(Chisel chisel, String test, Path capture) throws Exception {
        String[] sides = test.split("=>", 2);
        List<String> ours = args(sides[0]);
        List<String> theirs = sides.length == 2 ? args(sides[1]) : ours;
        List<String> sysdigArgs = new ArrayList<>(List.of("-c", chisel.name()));
        sysdigArgs.addAll(theirs);
        Sysdig.Result r = Sysdig.run(capture, sysdigArgs);
        assertEquals(0, r.exitCode(), "sysdig -c " + chisel.name() + " failed: " + r.stderr());
        List<List<String>> expected = r.lines().stream()
                .filter(l -> !l.isBlank())
                .map(ChiselRuns::words)
                .collect(Collectors.toCollection(ArrayList::new));
        List<List<String>> actual =
                ChiselRuns.sqlRows(chisel.historySql(ours), capture, 65536); // sysdig prints a chisel's buffers whole
        String why = capture.getFileName() + ": " + chisel.name() + " " + String.join(" ", ours);
        String[] mode = chisel.property("compare").get(0).split("\\s+");
        boolean differs = ChiselRuns.differs(chisel, capture);
        boolean same;
        switch (mode[0]) {
            case "top":
                same = sameTop(afterDashes(r.lines()), actual, Integer.parseInt(mode[1]), why, !differs);
                break;
            case "rows":
                same = sameLines(skip(expected, mode), actual, true, why, !differs);
                break;
            case "set":
                same = sameLines(skip(expected, mode), actual, false, why, !differs);
                break;
            default:
                throw new AssertionError(chisel.name() + ": unknown compare mode " + mode[0]);
        }
        if (differs) {
            assertFalse(
                    same,
                    why + ": the header says the chisel differs here, but the rows are now the same: "
                            + "drop the -- differs: line");
        }
    }

    private static List<List<String>> skip(List<List<String>> lines, String[] mode) {
        int k = mode.length >= 3 && mode[1].equals("skip") ? Integer.parseInt(mode[2]) : 0;
        return lines.subList(Math.min(k, lines.size()), lines.size());
    }

    private static List<List<String>> afterDashes(List<String> lines) {
        int i = 0;
        while (i < lines.size() && !ChiselRuns.DASHES.matcher(lines.get(i)).matches()) {
            i++;
        }
        if (i == lines.size()) {
            fail("sysdig printed no table (no dashed line): " + lines);
        }
        return lines.subList(i + 1, lines.size()).stream()
                .filter(l -> !l.isBlank())
                .map(ChiselRuns::words)
                .toList();
    }

    private static boolean sameLines(
            List<List<String>> expected, List<List<String>> actual, boolean ordered, String why, boolean must) {
        List<List<String>> e = new ArrayList<>(expected);
        List<List<String>> a = new ArrayList<>(actual);
        if (!ordered) {
            e.sort(ChiselRuns::compareWords);
            a.sort(ChiselRuns::compareWords);
        }
        if (must) {
            assertEquals(ChiselRuns.text(e), ChiselRuns.text(a), why);
        }
        return e.equals(a);
    }

    private static boolean sameTop(
            List<List<String>> expected, List<List<String>> actual, int limit, String why, boolean must) {
        boolean same = expected.size() == actual.size();
        // the groups of equal first column, in order
        List<List<List<String>>> eg = groups(expected);
        List<List<List<String>>> ag = groups(actual);
        same &= eg.size() == ag.size();
        for (int i = 0; same && i < eg.size(); i++) {
            boolean cut = i == eg.size() - 1 && expected.size() == limit;
            List<List<String>> x = new ArrayList<>(eg.get(i));
            List<List<String>> y = new ArrayList<>(ag.get(i));
            x.sort(ChiselRuns::compareWords);
            y.sort(ChiselRuns::compareWords);
            same &= cut
                    ? x.size() == y.size() && x.get(0).get(0).equals(y.get(0).get(0))
                    : x.equals(y);
        }
        if (must && !same) {
            assertEquals(ChiselRuns.text(expected), ChiselRuns.text(actual), why);
        }
        return same;
    }

    private static List<List<List<String>>> groups(List<List<String>> rows) {
        List<List<List<String>>> out = new ArrayList<>();
        for (List<String> r : rows) {
            String key = r.isEmpty() ? "" : r.get(0);
            if (out.isEmpty() || !out.get(out.size() - 1).get(0).get(0).equals(key)) {
                out.add(new ArrayList<>());
            }
            out.get(out.size() - 1).add(r);
        }
        return out;
    }
}
