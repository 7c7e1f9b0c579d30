// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.chisel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import sysql.capture.fields.EventContext;
import sysql.testing.Sysdig;

/**
 * The chisels that are csysdig views ({@code -- oracle: csysdig -v VIEW}) against csysdig 0.29.3 itself, on every
 * capture the project ships: {@code csysdig -r FILE -v VIEW --raw} prints the view once for a whole file (its
 * rows, then a dashed line; a list view prints its rows twice), and the rows of the chisel's SQL over the file must
 * be those rows, compared as their words (whitespace-separated, so column padding does not matter) and in any
 * order (csysdig sorts by one column, and its ties come in hash order). {@code -- differs: CAPTURE: why} marks a
 * capture where csysdig is wrong, as in {@link ChiselsVsSysdigTest}: there they must differ. {@code
 * -- oracle-ignores: WORD: why} drops csysdig's rows whose last word is WORD (a row that is no data of the view).
 */
class CsysdigViewsTest {
    private static List<Chisel> views() {
        return ChiselLibrary.all().values().stream()
                .filter(c -> c.property("oracle").stream().anyMatch(o -> o.startsWith("csysdig ")))
                .toList();
    }

    @Test
    void theViewsAreThere() {
        assertTrue(
                views().size() >= 4,
                "csysdig views: " + views().stream().map(Chisel::name).toList());
        for (Chisel c : views()) {
            assertEquals("csysdig views", c.category(), c.name());
            assertTrue(c.name().startsWith("v_"), c.name() + ": a view's chisel is named as sysdig's v_NAME.lua");
        }
    }

    @TestFactory
    Stream<DynamicNode> eachViewOnEachCapture() {
        List<Path> captures = ChiselRuns.captures();
        List<String> only = ChiselRuns.only();
        return views().stream()
                .filter(c -> only.isEmpty() || only.contains(c.name()))
                .map(c -> DynamicContainer.dynamicContainer(
                        c.name(),
                        captures.stream()
                                .map(f ->
                                        DynamicTest.dynamicTest(f.getFileName().toString(), () -> compare(c, f)))));
    }

    private static void compare(Chisel chisel, Path capture) throws Exception {
        List<String> args = new ArrayList<>(Arrays.asList(chisel.property("oracle")
                .get(0)
                .substring("csysdig ".length())
                .strip()
                .split("\\s+")));
        List<String> ignored = chisel.property("oracle-ignores").stream()
                .map(i -> i.split(":", 2)[0].strip())
                .toList();
        List<List<String>> expected = csysdigRows(capture, args).stream()
                .filter(r -> r.isEmpty() || !ignored.contains(r.get(r.size() - 1)))
                .collect(Collectors.toCollection(ArrayList::new));
        List<List<String>> actual =
                ChiselRuns.sqlRows(chisel.historySql(List.of()), capture, EventContext.DEFAULT_BUFFER_PRINT_LENGTH);
        expected.sort(ChiselRuns::compareWords);
        actual.sort(ChiselRuns::compareWords);
        String why = capture.getFileName() + ": " + chisel.name();
        boolean differs = ChiselRuns.differs(chisel, capture);
        if (differs) {
            assertFalse(
                    expected.equals(actual),
                    why + ": the header says csysdig differs here, but the rows are now the same: "
                            + "drop the -- differs: line");
        } else {
            assertEquals(ChiselRuns.text(expected), ChiselRuns.text(actual), why);
        }
    }

    /** {@code csysdig -r FILE ARGS --raw}: the rows of the last block it prints (blocks end with a dashed line). */
    private static List<List<String>> csysdigRows(Path capture, List<String> args) throws Exception {
        Path csysdig = Sysdig.binary().resolveSibling("csysdig");
        if (!Files.isExecutable(csysdig)) {
            fail("csysdig is not installed next to " + Sysdig.binary() + ": it comes with sysdig 0.29.3");
        }
        List<String> cmd = new ArrayList<>(List.of(csysdig.toString(), "-r", capture.toString()));
        cmd.addAll(args);
        cmd.add("--raw");
        Path out = Files.createTempFile("csysdig-out", ".txt");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectErrorStream(true)
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish in 120 s");
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + lines);
            List<List<String>> block = new ArrayList<>();
            List<List<String>> last = new ArrayList<>();
            for (String l : lines) {
                if (ChiselRuns.DASHES.matcher(l).matches()) {
                    if (!block.isEmpty()) {
                        last = block;
                    }
                    block = new ArrayList<>();
                } else if (!l.isBlank()) {
                    block.add(ChiselRuns.words(l));
                }
            }
            return last;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
