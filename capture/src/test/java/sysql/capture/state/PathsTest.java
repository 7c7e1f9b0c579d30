// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class PathsTest {
    @Test
    void resolvesAndNormalizes() {
        assertEquals("/etc/passwd", Paths.resolve("/home/u", "/etc/passwd"));
        assertEquals("/home/u/a/b", Paths.resolve("/home/u", "a/./b/"));
        assertEquals("/home/b", Paths.resolve("/home/u", "../b"));
        assertEquals("/", Paths.resolve("/", "../.."));
        assertEquals("/a/b", Paths.resolve("/", "//a//b"));
        assertEquals("", Paths.resolve("/x", ""));
        assertEquals("rel", Paths.resolve("", "rel"));
    }

    @Test
    void aNormalPathIsReturnedAsItIs() {
        String p = "/usr/lib/x86_64-linux-gnu/libc.so.6";
        assertSame(p, Paths.normalize(p));
        assertSame("/", Paths.normalize("/"));
        assertEquals("/a/.b/..c/b..", Paths.normalize("/a/.b/..c/b.."));
        assertEquals("/a", Paths.normalize("/a/"));
        assertEquals("/a", Paths.normalize("/a/."));
        assertEquals("/", Paths.normalize("/a/.."));
        assertEquals("/a/b", Paths.normalize("/a/./b"));
        assertEquals("/b", Paths.normalize("/a/../b"));
        assertEquals("/a/b", Paths.normalize("//a/b"));
        assertEquals("/", Paths.normalize("//"));
    }
}
