// SPDX-License-Identifier: Apache-2.0
package sysql.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The project's README.md as a user reads it: its sections and the indented (code) blocks in them. */
final class Readme {
    final Path root;
    final List<String> lines;

    private Readme(Path root, List<String> lines) {
        this.root = root;
        this.lines = lines;
    }

    /**
     * The README of the clone this test runs in: up from the working directory to the folder whose pom.xml is
     * sysql-parent itself (a module's pom names it as its parent).
     */
    static Readme ofThisClone() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(dir.resolve("README.md"))
                    && Files.isRegularFile(pom)
                    && Files.readString(pom)
                            .replaceAll("(?s)<parent>.*?</parent>", "")
                            .contains("<artifactId>sysql-parent</artifactId>")) {
                return new Readme(dir, Files.readAllLines(dir.resolve("README.md")));
            }
        }
        fail("no folder above " + Path.of("").toAbsolutePath() + " holds README.md and sysql-parent's pom.xml");
        return null;
    }

    /**
     * The indented block that follows the paragraph of the first line containing {@code anchor}, without its
     * 4-space indent; blank lines inside the block are kept. Fails if there is none.
     */
    List<String> blockAfter(String anchor) {
        int i = 0;
        while (i < lines.size() && !lines.get(i).contains(anchor)) {
            i++;
        }
        if (i == lines.size()) {
            fail("README.md has no line with [" + anchor + "] any more: update ReadmeIT with the README");
        }
        while (i < lines.size() && !lines.get(i).isBlank()) {
            i++;
        }
        while (i < lines.size() && lines.get(i).isBlank()) {
            i++;
        }
        List<String> block = new ArrayList<>();
        for (; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("    ")) {
                block.add(line.substring(4));
            } else if (line.isBlank()
                    && i + 1 < lines.size()
                    && lines.get(i + 1).startsWith("    ")) {
                block.add("");
            } else {
                break;
            }
        }
        if (block.isEmpty()) {
            fail("README.md's line with [" + anchor + "] is not followed by an indented block any more");
        }
        return block;
    }

    /** The whole text, lines joined. */
    String text() {
        return String.join("\n", lines);
    }
}
