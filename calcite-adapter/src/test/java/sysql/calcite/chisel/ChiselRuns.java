// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.chisel;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.calcite.jdbc.Driver;
import sysql.calcite.FileEngine;
import sysql.calcite.SysqlConnections;
import sysql.calcite.sql.SysqlPrepare;
import sysql.testing.TestData;

/**
 * What the tests that hold chisels against sysdig's tools share: the captures those tools read, a chisel's SQL
 * run over one, and rows compared as their words (so column padding does not matter).
 */
final class ChiselRuns {
    private ChiselRuns() {}

    /** Captures sysdig 0.29.3 cannot read (see testdata/README.md): nothing to compare with. */
    static final List<String> UNREADABLE_BY_SYSDIG = List.of("libs_curl_google_comments.scap");

    /** The line under a table's header, in sysdig's and csysdig's output. */
    static final Pattern DASHES = Pattern.compile("^-{20,}\\s*$");

    /** Every test capture sysdig reads. */
    static List<Path> captures() {
        return TestData.allScapFiles().stream()
                .filter(p -> !UNREADABLE_BY_SYSDIG.contains(p.getFileName().toString()))
                .toList();
    }

    /** The chisels {@code -Dsysql.chisels=a,b} names (while writing one), or empty for all. */
    static List<String> only() {
        return Arrays.stream(System.getProperty("sysql.chisels", "").split(","))
                .filter(x -> !x.isBlank())
                .toList();
    }

    /** True when the chisel's header says the oracle is wrong on that capture ({@code -- differs: CAPTURE: why}). */
    static boolean differs(Chisel chisel, Path capture) {
        return chisel.property("differs").stream()
                .anyMatch(d -> d.startsWith(capture.getFileName().toString() + ":"));
    }

    static List<String> words(String line) {
        String s = line.strip();
        return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
    }

    static int compareWords(List<String> a, List<String> b) {
        return String.join(" ", a).compareTo(String.join(" ", b));
    }

    static String text(List<List<String>> rows) {
        return rows.stream().map(r -> String.join(" ", r)).collect(Collectors.joining("\n"));
    }

    private static final Map<String, FileEngine> ENGINES = new HashMap<>();

    /** The SQL's rows over the capture read with that snaplen, each as the words of its values (NULL as nothing). */
    static List<List<String>> sqlRows(String sql, Path capture, int snaplen) throws Exception {
        return sqlRows(sql, capture, snaplen, false);
    }

    /**
     * The SQL's rows, each as its values (a value's words joined by one space; NULL as an empty value): for a
     * comparison column by column.
     */
    static List<List<String>> sqlColumns(String sql, Path capture, int snaplen) throws Exception {
        return sqlRows(sql, capture, snaplen, true);
    }

    private static List<List<String>> sqlRows(String sql, Path capture, int snaplen, boolean byColumn)
            throws Exception {
        FileEngine engine;
        synchronized (ENGINES) {
            String key = capture + "@" + snaplen;
            engine = ENGINES.get(key);
            if (engine == null) {
                engine = new FileEngine(capture, snaplen);
                ENGINES.put(key, engine);
            }
        }
        try (Connection c = new Driver()
                .withPrepareFactory(SysqlPrepare::new)
                .connect("jdbc:calcite:", SysqlConnections.calciteProperties())) {
            SysqlConnections.install(c, engine);
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                List<List<String>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<String> words = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        String v = rs.getString(i);
                        if (byColumn) {
                            words.add(v == null ? "" : String.join(" ", words(v)));
                        } else if (v != null) {
                            words.addAll(words(v));
                        }
                    }
                    rows.add(words);
                }
                return rows;
            }
        }
    }
}
