// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.driver.EventTables;

/** What {@link Sysdig029Compat} tells the writer, on its own. */
class Sysdig029CompatTest {
    @Test
    void theTablesEndWhereSysdig0293sEnd() {
        assertFalse(Sysdig029Compat.needsDowngrade(Sysdig029Compat.EVENT_LIMIT - 1));
        assertTrue(Sysdig029Compat.needsDowngrade(Sysdig029Compat.EVENT_LIMIT));
        assertTrue(Sysdig029Compat.needsDowngrade(EventTables.EVENT_GENERIC_ARGS_E + 1));
        assertEquals(Sysdig029Compat.EVENT_LIMIT, ScapFileWriter.SYSDIG_EVENT_LIMIT);
        assertEquals(Sysdig029Compat.FD_TYPE_LIMIT, ScapFileWriter.SYSDIG_FD_TYPE_LIMIT);
        assertEquals(ScapFdType.BPF.code(), Sysdig029Compat.FD_TYPE_LIMIT);
        for (int code = 0; code < 1100; code++) {
            assertEquals(Sysdig029Compat.needsDowngrade(code), ScapFileWriter.needsDowngrade(code));
        }
    }

    static ScapFdInfo fd(ScapFdType type) {
        return new ScapFdInfo(7, 3, 99, type, "name", 0x8002, 0x77, null, null, 0, 0, 0, 0, 0);
    }

    @Test
    void fdTypesItLacksBecomeOnesItKnows() {
        for (ScapFdType t : ScapFdType.values()) {
            ScapFdInfo f = fd(t);
            ScapFdInfo d = Sysdig029Compat.downgrade(f);
            assertEquals(d, ScapFileWriter.forSysdig(f));
            if (t.code() < Sysdig029Compat.FD_TYPE_LIMIT) {
                assertSame(f, d, t.name());
            } else if (t == ScapFdType.MEMFD) {
                assertEquals(
                        new ScapFdInfo(7, 3, 99, ScapFdType.FILE_V2, "name", 0x8002, 0x77, null, null, 0, 0, 0, 0, 0),
                        d);
            } else {
                assertEquals(
                        new ScapFdInfo(7, 3, 99, ScapFdType.UNSUPPORTED, "name", 0, 0, null, null, 0, 0, 0, 0, 0),
                        d,
                        t.name());
            }
        }
    }

    @Test
    void anEventItLacksIsWrittenAsTheGenericEventAtTheGivenOffset() {
        long ts = 1_700_000_000_000_000_123L;
        // sysql's generic enter with raw args: ID 107 (rt_sigaction), native 13, then six arguments
        byte[] in = ScapFileWriterTest.event(
                ts,
                42,
                EventTables.EVENT_GENERIC_ARGS_E,
                ScapFileWriterTest.u16(107),
                ScapFileWriterTest.u16(13),
                ScapFileWriterTest.i64(1));
        Event e = new Event().wrap(ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN), 0, 0);
        ByteBuffer out =
                ByteBuffer.allocate(5 + Sysdig029Compat.MAX_DOWNGRADED_LEN).order(ByteOrder.LITTLE_ENDIAN);
        int len = Sysdig029Compat.downgrade(e, out, 5);
        byte[] want = ScapFileWriterTest.genericEnter(ts, 42, 107, 13);
        assertEquals(want.length, len);
        assertEquals(Sysdig029Compat.MAX_DOWNGRADED_LEN, len);
        byte[] got = new byte[len];
        out.get(5, got);
        assertEquals(ByteBuffer.wrap(want), ByteBuffer.wrap(got));

        byte[] exit = ScapFileWriterTest.event(
                ts + 1,
                42,
                EventTables.EVENT_GENERIC_ARGS_E + 1,
                ScapFileWriterTest.u16(107),
                ScapFileWriterTest.u16(13),
                ScapFileWriterTest.i64(0));
        e.wrap(ByteBuffer.wrap(exit).order(ByteOrder.LITTLE_ENDIAN), 0, 0);
        len = Sysdig029Compat.downgrade(e, out, 0);
        want = ScapFileWriterTest.genericExit(ts + 1, 42, 107);
        got = new byte[len];
        out.get(0, got);
        assertEquals(ByteBuffer.wrap(want), ByteBuffer.wrap(got));
    }
}
