// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import sysql.capture.CaptureException;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.testing.TestData;

/** Reads whole files of the repository's testdata/ for the scap tests. */
final class ScapTestFiles {
    private ScapTestFiles() {}

    static Path testdata() {
        return TestData.dir();
    }

    static Path scap(String name) {
        return TestData.scap(name);
    }

    static List<Path> allScapFiles() {
        return TestData.allScapFiles();
    }

    /** The file's bytes, decompressed when it is gzip. */
    static byte[] uncompressed(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                return out.toByteArray();
            }
        }
        return raw;
    }

    /** One delivered event, copied out of its batch. */
    record Ev(long ts, long tid, int cpu, int type, int nparams, String dir, String name, byte[] bytes) {}

    /** Reads every event of a file (fails the test on any error). */
    static List<Ev> readAll(Path file) throws CaptureException {
        List<Ev> out = new ArrayList<>();
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch()) {
            Event e = new Event();
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    byte[] b = new byte[e.length()];
                    e.buffer().get(e.offset(), b, 0, b.length);
                    out.add(new Ev(
                            e.ts(),
                            e.tid(),
                            e.cpu(),
                            e.typeCode(),
                            e.nparams(),
                            e.isEnter() ? ">" : "<",
                            e.syscallName(),
                            b));
                }
            }
        }
        return out;
    }
}
