// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import picocli.CommandLine.Option;

/** How the commands that print rows ({@code query}, {@code chisel}) print them. */
final class OutputOptions {
    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table, csv, tsv or json (one object per line); default ${DEFAULT-VALUE}.")
    ResultPrinter.Format format = ResultPrinter.Format.TABLE;
}
