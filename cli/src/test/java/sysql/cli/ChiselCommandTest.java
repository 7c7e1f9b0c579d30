// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sysql.cli.QueryCommandTest.run;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import sysql.calcite.chisel.Chisel;
import sysql.calcite.chisel.ChiselLibrary;
import sysql.testing.TestData;

/** {@code sysql chisel}: the list, a chisel's info, a run over a capture file, and one-line errors. */
class ChiselCommandTest {
    static final Path STORM = TestData.scap("sysdig_live_storm.scap.gz");

    @Test
    void listsEveryChiselByCategory() {
        QueryCommandTest.Run r = run("chisel", "-l");
        assertEquals(0, r.code(), r.err());
        for (Chisel c : ChiselLibrary.all().values()) {
            assertTrue(r.out().contains("Category: " + c.category()), c.category());
            assertTrue(r.out().contains(c.name() + (c.name().length() < 16 ? " " : "\n")), c.name());
            assertTrue(r.out().contains(c.description()), c.name());
        }
    }

    @Test
    void theLibraryHoldsSysdigsChisels() {
        // sysdig 0.29.3's chisels that are queries (45 of its 50; the other 5 are described in the library's
        // README) and the csysdig views
        assertTrue(
                ChiselLibrary.all().size() >= 45, ChiselLibrary.all().keySet().toString());
    }

    @Test
    void infoShowsTheArgumentsAndTheSql() {
        QueryCommandTest.Run r = run("chisel", "-i", "fdbytes_by");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("usage: sysql chisel fdbytes_by FIELD"), r.out());
        assertTrue(r.out().contains("SELECT STREAM"), r.out());
    }

    @Test
    void runsOverACaptureFile() {
        QueryCommandTest.Run r = run("chisel", "topfiles_bytes", "-r", STORM.toString(), "--format", "tsv");
        assertEquals(0, r.code(), r.err());
        assertEquals("bytes\tfilename", r.out().lines().findFirst().orElseThrow());
        assertTrue(r.out().contains("19.49M\t/dev/null"), r.out());
        QueryCommandTest.Run by = run("chisel", "fdbytes_by", "proc.name", "-r", STORM.toString(), "--format", "tsv");
        assertEquals(0, by.code(), by.err());
        assertTrue(by.out().contains("19.49M\tworkload"), by.out());
    }

    @Test
    void anOptionBeforeTheCommandIsRefusedNotIgnored() {
        QueryCommandTest.Run r = run("-r", STORM.toString(), "chisel", "topfiles_bytes");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains("put them after it, e.g. sysql chisel --read"), r.err());
    }

    @Test
    void errorsAreOneLine() {
        for (String[] args : new String[][] {
            {"chisel", "nosuch"},
            {"chisel", "fdbytes_by", "-r", STORM.toString()},
            {"chisel", "fdbytes_by", "nofield", "-r", STORM.toString()},
            {"chisel"}
        }) {
            QueryCommandTest.Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("sysql chisel: "), r.err());
        }
    }
}
