// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.chisel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * {@code -- oracle: csysdig -v VIEW -j} compares with csysdig's JSON instead: raw values where the screen shows
 * rates, then the row's key if {@code -- oracle-key: why} says the view has it, compared column by column;
 * {@code -- oracle-skips: N, M: why} leaves columns N and M (from 1) uncompared; {@code -- oracle-ipv4: why} reads back the IPv4 addresses csysdig prints as IPv6.
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
        boolean json = args.remove("-j");
        String sql = chisel.historySql(List.of());
        int snaplen = EventContext.DEFAULT_BUFFER_PRINT_LENGTH;
        List<List<String>> rows = json
                ? csysdigJsonRows(
                        capture,
                        args,
                        !chisel.property("oracle-key").isEmpty(),
                        !chisel.property("oracle-ipv4").isEmpty())
                : csysdigRows(capture, args);
        List<List<String>> expected = rows.stream()
                .filter(r -> r.isEmpty() || !ignored.contains(r.get(r.size() - 1)))
                .collect(Collectors.toCollection(ArrayList::new));
        List<List<String>> actual =
                json ? ChiselRuns.sqlColumns(sql, capture, snaplen) : ChiselRuns.sqlRows(sql, capture, snaplen);
        if (json) {
            // -- oracle-skips: N, M: why: csysdig's columns N and M (from 1) are not compared, nor the view's
            List<Integer> skipped = chisel.property("oracle-skips").stream()
                    .flatMap(s -> Arrays.stream(s.split(":", 2)[0].split(",")))
                    .map(s -> Integer.parseInt(s.strip()) - 1)
                    .sorted(java.util.Comparator.reverseOrder())
                    .toList();
            for (List<List<String>> side : List.of(expected, actual)) {
                for (List<String> r : side) {
                    for (int i : skipped) {
                        r.remove(i);
                    }
                }
            }
        }
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
        List<List<String>> block = new ArrayList<>();
        List<List<String>> last = new ArrayList<>();
        for (String l : csysdig(capture, args, "--raw")) {
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
    }

    /**
     * {@code csysdig -r FILE ARGS -j}: the rows of the last slice with data, each as its values ({@code "d"}, words
     * joined by one space), then, {@code withKey} ({@code -- oracle-key:}), its key ({@code "k"}); the raw values, where
     * the screen and {@code --raw} show rates (a double as Java prints it: csysdig prints 17 digits).
     * With {@code fixIpv4}, a value that is an IPv4 address printed as IPv6 (see {@code -- oracle-ipv4:}) is read
     * back as the address, which must then be one of the addresses in the row's key.
     */
    private static List<List<String>> csysdigJsonRows(Path capture, List<String> args, boolean withKey, boolean fixIpv4)
            throws Exception {
        String json = String.join("\n", csysdig(capture, args, "-j"));
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode slice : new ObjectMapper().readTree(json).path("slices")) {
            if (slice.has("data")) {
                rows = new ArrayList<>();
                for (JsonNode row : slice.get("data")) {
                    String key = row.path("k").asText();
                    List<String> values = new ArrayList<>();
                    for (JsonNode d : row.path("d")) {
                        String v = d.asText();
                        values.add(String.join(" ", ChiselRuns.words(fixIpv4 ? ipv4PrintedAsIpv6(v, key) : v)));
                    }
                    if (withKey) {
                        values.add(key);
                    }
                    rows.add(values);
                }
            }
        }
        return rows;
    }

    private static final Pattern IPV4_KEY =
            Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+):\\d+->(\\d+\\.\\d+\\.\\d+\\.\\d+):\\d+");
    private static final Pattern IPV6_GROUPS = Pattern.compile("([0-9a-f]{1,4}):([0-9a-f]{1,4}):[0-9a-f:]*");

    /** csysdig's IPv6 text of the 16 bytes from an IPv4 address on, read back as the address (when the key is IPv4). */
    private static String ipv4PrintedAsIpv6(String value, String key) {
        Matcher k = IPV4_KEY.matcher(key);
        Matcher v = IPV6_GROUPS.matcher(value);
        if (!k.matches() || !v.matches()) {
            return value;
        }
        int hi = Integer.parseInt(v.group(1), 16);
        int lo = Integer.parseInt(v.group(2), 16);
        String ip = (hi >> 8) + "." + (hi & 0xff) + "." + (lo >> 8) + "." + (lo & 0xff);
        assertTrue(
                ip.equals(k.group(1)) || ip.equals(k.group(2)),
                value + " read as " + ip + " is neither address of " + key);
        return ip;
    }

    /** The lines csysdig prints for {@code csysdig -r FILE ARGS FORMAT}; it must end well. */
    private static List<String> csysdig(Path capture, List<String> args, String format) throws Exception {
        List<String> all = new ArrayList<>(args);
        all.add(format);
        Sysdig.Result r = Sysdig.csysdig(capture, all);
        assertEquals(0, r.exitCode(), "csysdig -r " + capture + " " + all + " failed: " + r.stderr() + r.lines());
        return r.lines();
    }
}
