// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A copied thread (what the history recorder keeps) has every field of the original: no field forgotten. */
class ThreadInfoCopyTest {
    @Test
    void copyHasEveryField() throws Exception {
        ThreadInfo t = new ThreadInfo(42);
        int k = 1;
        for (Field f : ThreadInfo.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            Class<?> type = f.getType();
            if (type == long.class) {
                f.setLong(t, 1000 + k);
            } else if (type == int.class) {
                f.setInt(t, 100 + k);
            } else if (type == boolean.class) {
                f.setBoolean(t, true);
            } else if (type == String.class) {
                f.set(t, "v" + k);
            } else if (type == List.class) {
                f.set(t, List.of("a" + k));
            } else if (type == FdTable.class) {
                f.set(t, new FdTable());
            } else {
                throw new AssertionError("ThreadInfoCopyTest does not know how to fill " + f + ": extend it");
            }
            k++;
        }
        t.lastEnter[0] = 7;
        t.lastEnterLen = 1;
        ThreadInfo c = t.copy();
        for (Field f : ThreadInfo.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) {
                continue;
            }
            assertEquals(f.get(t), f.get(c), "field " + f.getName() + " not copied");
        }
        assertEquals(7, c.lastEnter[0]);
        assertSame(t.fds, c.fds);
        assertNotSame(t.fds, t.copyWithFds().fds);
    }
}
