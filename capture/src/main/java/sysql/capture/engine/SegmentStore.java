// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The file operations of the recorder's disk tier ({@link Recorder.DiskHistory}): the real file system, or in
 * tests one whose writes fail or stall.
 */
interface SegmentStore {
    /** Creates (or replaces) {@code file} for writing. */
    OutputStream create(Path file) throws IOException;

    /** Renames {@code from} to {@code to} atomically, replacing it. */
    void move(Path from, Path to) throws IOException;

    /** Deletes {@code file} if it exists. */
    void delete(Path file) throws IOException;

    long size(Path file) throws IOException;

    /** The file system. */
    SegmentStore FILES = new SegmentStore() {
        @Override
        public OutputStream create(Path file) throws IOException {
            return Files.newOutputStream(file);
        }

        @Override
        public void move(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void delete(Path file) throws IOException {
            Files.deleteIfExists(file);
        }

        @Override
        public long size(Path file) throws IOException {
            return Files.size(file);
        }
    };
}
