// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Differential test against sysdig 0.29.3: for every golden line (scap-golden/*.psv, see testdata/README.md), the
 * event with that evt.num (1-based index in the file, internal events included) has the same evt.rawtime,
 * evt.cpu, thread.tid, evt.dir and evt.type.
 */
class ScapGoldenTest {

    @Test
    void everyFileReadsAndMatchesSysdig() throws Exception {
        List<String> report = new ArrayList<>();
        int checkedFiles = 0;
        for (Path file : ScapTestFiles.allScapFiles()) {
            String base = file.getFileName().toString().replaceAll("\\.scap(\\.gz)?$", "");
            List<ScapTestFiles.Ev> events = ScapTestFiles.readAll(file);
            Path golden = ScapTestFiles.testdata().resolve("scap-golden").resolve(base + ".psv");
            if (!Files.exists(golden)) {
                report.add(file.getFileName() + ": " + events.size() + " events, no golden file");
                continue;
            }
            List<String> mismatches = new ArrayList<>();
            int lines = 0;
            for (String line : Files.readAllLines(golden, StandardCharsets.UTF_8)) {
                if (line.isEmpty()) {
                    continue;
                }
                lines++;
                String[] f = line.split("\\|", -1);
                int num = Integer.parseInt(f[0]);
                String where = file.getFileName() + " evt.num " + num;
                if (num < 1 || num > events.size()) {
                    mismatches.add(where + ": no such event (the file has " + events.size() + ")");
                    continue;
                }
                ScapTestFiles.Ev e = events.get(num - 1);
                String want = f[1] + " cpu=" + f[2] + " tid=" + f[5] + " " + f[10] + " " + f[11];
                String got = e.ts() + " cpu=" + e.cpu() + " tid=" + e.tid() + " " + e.dir() + " " + e.name();
                if (!want.equals(got)) {
                    mismatches.add(where + ": sysdig says [" + want + "], sysql read [" + got + "]");
                }
            }
            report.add(file.getFileName() + ": " + events.size() + " events, " + lines + " golden lines checked, "
                    + mismatches.size() + " mismatches");
            if (!mismatches.isEmpty()) {
                fail(String.join("\n", mismatches.subList(0, Math.min(40, mismatches.size()))));
            }
            checkedFiles++;
        }
        System.out.println(String.join("\n", report));
        assertTrue(checkedFiles >= 8, "golden files checked: " + checkedFiles);
    }
}
