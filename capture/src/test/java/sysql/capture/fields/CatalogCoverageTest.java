// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every field of sysdig 0.29.3's catalog ({@code testdata/sysdig-fields.txt}, its {@code sysdig -l}) in the
 * classes evt, proc, thread, fd, fdlist, user, group and container is in sysql's catalog, or the capture
 * README's section {@code ### Fields not implemented} says why not, one line per field ({@code - name: reason}).
 * A line for a field the catalog has is stale and fails too, as does a line naming no sysdig field.
 *
 * <p>A parametric sysdig field (evt.arg, evt.rawarg, evt.type.is, proc.apid, proc.aname, thread.cgroup,
 * container.mount...) counts as present when some instance of it resolves: one of {@link
 * FieldCatalog#parametricNames()} starts with its name and {@code [} or {@code .}, or {@code NAME[0]} or
 * {@code NAME.cpu} (thread.cgroup's form) resolves.
 */
class CatalogCoverageTest {
    private static final Set<String> CLASSES =
            Set.of("evt", "proc", "thread", "fd", "fdlist", "user", "group", "container");
    private static final Pattern FIELD_LINE = Pattern.compile("^([a-z][a-z0-9_.]*)(\\s|$)");
    private static final Pattern REASON_LINE = Pattern.compile("^- ([a-z][a-z0-9_.\\[\\]]*): (.*\\S.*)$");
    static final String SECTION = "### Fields not implemented";

    /** sysdig's field names of the covered classes, in its order. */
    static List<String> sysdigFields() throws Exception {
        Path file = GoldenFieldsTest.shared().resolve("sysdig-fields.txt");
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = FIELD_LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String name = m.group(1);
            int dot = name.indexOf('.');
            if (dot > 0 && CLASSES.contains(name.substring(0, dot))) {
                out.add(name);
            }
        }
        return out;
    }

    /** The README's not-implemented lines: field → reason. */
    static Map<String, String> notImplemented() throws Exception {
        Path readme = GoldenFieldsTest.shared().getParent().resolve("capture").resolve("README.md");
        Map<String, String> out = new LinkedHashMap<>();
        boolean in = false;
        for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
            if (line.startsWith("#")) {
                in = line.strip().equals(SECTION);
                continue;
            }
            if (!in) {
                continue;
            }
            Matcher m = REASON_LINE.matcher(line);
            if (m.matches()) {
                if (out.put(m.group(1), m.group(2).strip()) != null) {
                    throw new AssertionError("README lists " + m.group(1) + " twice under " + SECTION);
                }
            }
        }
        return out;
    }

    private static boolean fixedInCatalog(String name) {
        Field f = FieldCatalog.get(name);
        return f != null && f.name().equals(name);
    }

    private static boolean parametricInCatalog(String name) {
        for (String p : FieldCatalog.parametricNames()) {
            if (p.startsWith(name + "[") || p.startsWith(name + ".")) {
                return true;
            }
        }
        return FieldCatalog.get(name + "[0]") != null || FieldCatalog.get(name + ".cpu") != null;
    }

    @Test
    void everySysdigFieldIsInTheCatalogOrExplained() throws Exception {
        List<String> sysdig = sysdigFields();
        assertTrue(sysdig.size() >= 175, "sysdig-fields.txt lists only " + sysdig.size() + " fields of the classes");
        Map<String, String> reasons = notImplemented();
        List<String> missing = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        int present = 0;
        for (String name : sysdig) {
            boolean fixed = fixedInCatalog(name);
            boolean in = fixed || parametricInCatalog(name);
            if (in) {
                present++;
            }
            if (fixed && reasons.containsKey(name)) {
                stale.add(name);
            }
            if (!in && !reasons.containsKey(name)) {
                missing.add(name);
            }
        }
        Set<String> unknown = new LinkedHashSet<>(reasons.keySet());
        sysdig.forEach(unknown::remove);
        System.out.printf(
                "sysdig fields of classes %s: %d, in the catalog %d, explained in the README %d%n",
                CLASSES, sysdig.size(), present, reasons.size());
        assertTrue(
                missing.isEmpty(),
                "sysdig fields neither in the catalog nor under '" + SECTION + "' in capture/README.md: " + missing);
        assertTrue(stale.isEmpty(), "README says not implemented, but the catalog has: " + stale);
        assertTrue(unknown.isEmpty(), "README lines under '" + SECTION + "' name no sysdig field: " + unknown);
    }
}
