package sysql.capture.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
