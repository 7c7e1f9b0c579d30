// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.chisel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The chisel library: every {@code NAME.sql} of {@code sql-examples/chisels}, which the build puts on the
 * classpath under {@code sysql/chisels/}. Read once; a malformed file fails the load with its name.
 */
public final class ChiselLibrary {
    static final String RESOURCE_DIR = "sysql/chisels";

    private static volatile Map<String, Chisel> chisels;

    private ChiselLibrary() {}

    /** Every chisel, by name, in name order. */
    public static Map<String, Chisel> all() {
        Map<String, Chisel> c = chisels;
        if (c == null) {
            synchronized (ChiselLibrary.class) {
                c = chisels;
                if (c == null) {
                    c = Collections.unmodifiableMap(load());
                    chisels = c;
                }
            }
        }
        return c;
    }

    /** The chisel of that name, or null. */
    public static Chisel get(String name) {
        return all().get(name);
    }

    private static Map<String, Chisel> load() {
        Map<String, Chisel> out = new TreeMap<>();
        for (Map.Entry<String, String> f : files().entrySet()) {
            out.put(f.getKey(), Chisel.parse(f.getKey(), f.getValue()));
        }
        return out;
    }

    /** The library's files: name (without .sql) to text. */
    private static Map<String, String> files() {
        URL dir = ChiselLibrary.class.getClassLoader().getResource(RESOURCE_DIR);
        if (dir == null) {
            throw new IllegalStateException("the chisel library (" + RESOURCE_DIR + ") is missing from the classpath");
        }
        try {
            URI uri = dir.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return read(fs.getPath(RESOURCE_DIR));
            }
            return read(Path.of(uri));
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read the chisel library at " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> read(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".sql")).forEach(files::add);
        }
        for (Path p : files) {
            String file = p.getFileName().toString();
            try (InputStream in = Files.newInputStream(p)) {
                out.put(file.substring(0, file.length() - 4), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
