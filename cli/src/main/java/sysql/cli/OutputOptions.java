// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How the commands that print rows ({@code query}, {@code chisel}) print them, and where. */
final class OutputOptions {
    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table, csv, tsv, json (one object per line), arrow (an Arrow IPC stream, typed columns; one"
                    + " query) or parquet (a Parquet file, the same columns; one query, with -o);"
                    + " default ${DEFAULT-VALUE}.")
    ResultPrinter.Format format = ResultPrinter.Format.TABLE;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write the rows to FILE instead of standard output (a stream's file is complete after"
                    + " Ctrl-C).")
    Path file;

    /** What is wrong with writing the results of that many statements so, or null. */
    String problem(int statements) {
        if (format.binary() && statements != 1) {
            return "--format " + format.name().toLowerCase(java.util.Locale.ROOT)
                    + " writes the rows of one query: give one statement (" + statements + " given)";
        }
        if (format == ResultPrinter.Format.PARQUET && file == null) {
            return "--format parquet writes a file: give it with -o FILE.parquet";
        }
        if (format.binary() && file == null && System.console() != null) {
            return "--format " + format.name().toLowerCase(java.util.Locale.ROOT)
                    + " is binary: write it to a file with -o FILE, or redirect standard output";
        }
        if (file != null && Files.isDirectory(file)) {
            return "cannot write to " + file + ": it is a directory; give a file name with -o";
        }
        return null;
    }

    /**
     * Where the rows go: the file (created or truncated) or standard output (left open when closed); nowhere for
     * parquet, whose writer writes its file itself.
     */
    OutputStream open() throws IOException {
        if (format == ResultPrinter.Format.PARQUET) {
            return OutputStream.nullOutputStream();
        }
        if (file != null) {
            return Files.newOutputStream(file);
        }
        return new FilterOutputStream(System.out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
