// SPDX-License-Identifier: Apache-2.0
package sysql.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The repository's {@code testdata/} folder, for the tests of every module: the {@code sysql.testdata} system
 * property (the build sets it), else the first {@code testdata/} with a {@code scap/} folder found walking up
 * from the working directory (a test run from an IDE).
 */
public final class TestData {
    private TestData() {}

    /** The folder itself; fails naming where it looked when it is not there. */
    public static Path dir() {
        String property = System.getProperty("sysql.testdata");
        if (property != null && !property.isEmpty()) {
            Path p = Path.of(property);
            if (!Files.isDirectory(p.resolve("scap"))) {
                throw new IllegalStateException("-Dsysql.testdata=" + property + " has no scap/ folder");
            }
            return p;
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path d = start; d != null; d = d.getParent()) {
            Path candidate = d.resolve("testdata");
            if (Files.isDirectory(candidate.resolve("scap"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("the repository's testdata/ folder was not found above " + start
                + "; run the tests from the checkout, or pass -Dsysql.testdata=DIR");
    }

    /** A file of {@code testdata/}, e.g. {@code file("sysdig-events.txt")}; fails when it does not exist. */
    public static Path file(String relative) {
        Path p = dir().resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException(p + " not found in the repository's testdata/");
        }
        return p;
    }

    /** A capture file of {@code testdata/scap/}. */
    public static Path scap(String name) {
        return file("scap/" + name);
    }

    /** Every capture file of {@code testdata/scap/}, sorted by name. */
    public static List<Path> allScapFiles() {
        return list("scap");
    }

    /** Every file of a folder of {@code testdata/}, sorted by name. */
    public static List<Path> list(String folder) {
        try (Stream<Path> s = Files.list(file(folder))) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
