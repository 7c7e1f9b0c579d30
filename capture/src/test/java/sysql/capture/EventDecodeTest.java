// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The flyweight decoder reads hand-built events exactly and rejects malformed ones with a clear message. */
class EventDecodeTest {
    private static final int OPENAT_X = EventTypes.syscallEnterEvent(257) + 1;
    private static final int CONNECT_X = EventTypes.syscallEnterEvent(42) + 1;

    /** Encodes one event: header, u16 lengths, params. */
    static byte[] event(long ts, long tid, int type, byte[]... params) {
        int len = Event.HEADER_LEN + 2 * params.length;
        for (byte[] p : params) {
            len += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(ts).putLong(tid).putInt(len).putShort((short) type).putInt(params.length);
        for (byte[] p : params) {
            b.putShort((short) p.length);
        }
        for (byte[] p : params) {
            b.put(p);
        }
        return b.array();
    }

    static byte[] i64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] cstr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    static ByteBuffer batchOf(byte[]... events) {
        int n = 0;
        for (byte[] e : events) {
            n += 2 + e.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        short cpu = 0;
        for (byte[] e : events) {
            b.putShort(cpu++).put(e);
        }
        return b.flip();
    }

    @Test
    void readsHeaderAndTypedParameters() {
        byte[] e = event(
                1_700_000_000_123_456_789L,
                4242,
                OPENAT_X,
                i64(3),
                i64(-100),
                cstr("/etc/hostname"),
                u32(1 << 12 | 1),
                u32(0),
                u32(0x801));
        Event ev = new Event().wrap(batchOf(e), 2, 0);
        assertEquals(1_700_000_000_123_456_789L, ev.ts());
        assertEquals(4242, ev.tid());
        assertEquals("openat", ev.typeName());
        assertFalse(ev.isEnter());
        assertEquals(6, ev.nparams());
        assertEquals(3, ev.paramAsLong("fd"));
        assertEquals(-100, ev.paramAsLong("dirfd"));
        assertEquals("/etc/hostname", ev.paramAsString("name"));
        assertEquals(4097, ev.paramAsLong("flags"));
        assertEquals(0x801, ev.paramAsLong("dev"));
        assertThrows(IllegalArgumentException.class, () -> ev.paramAsLong("nope"));
    }

    @Test
    void decodesIpv4SocketTuple() {
        ByteBuffer t = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
        t.put((byte) SocketAddressParam.AF_INET)
                .put(new byte[] {127, 0, 0, 1})
                .putShort((short) 40000)
                .put(new byte[] {127, 0, 0, 1})
                .putShort((short) 8080);
        byte[] e = event(1, 2, CONNECT_X, i64(0), t.array());
        Event ev = new Event().wrap(batchOf(e), 2, 0);
        SocketAddressParam s = new SocketAddressParam();
        assertTrue(ev.paramAsSocket("tuple", s));
        assertEquals("127.0.0.1", s.sourceAddress());
        assertEquals(40000, s.sourcePort());
        assertEquals("127.0.0.1", s.destinationAddress());
        assertEquals(8080, s.destinationPort());
        assertEquals("127.0.0.1:40000->127.0.0.1:8080", s.toString());
    }

    @Test
    void iteratesABatchAndRejectsATornEvent() {
        byte[] a = event(1, 10, OPENAT_X, i64(3), i64(-100), cstr("a"), u32(0), u32(0), u32(0));
        byte[] b = event(2, 11, OPENAT_X, i64(4), i64(-100), cstr("bb"), u32(0), u32(0), u32(0));
        try (EventBatch batch = new EventBatch()) {
            ByteBuffer src = batchOf(a, b);
            batch.buffer().clear();
            batch.buffer().put(src);
            batch.filled(2, src.limit());
            Event ev = new Event();
            assertTrue(batch.next(ev));
            assertEquals(10, ev.tid());
            assertEquals(0, ev.cpu());
            assertTrue(batch.next(ev));
            assertEquals(11, ev.tid());
            assertEquals(1, ev.cpu());
            assertEquals("bb", ev.paramAsString(2));
            assertFalse(batch.next(ev));
        }
        byte[] torn = java.util.Arrays.copyOf(a, a.length - 3);
        MalformedEventException ex =
                assertThrows(MalformedEventException.class, () -> new Event().wrap(batchOf(torn), 2, 0));
        assertTrue(ex.getMessage().contains("outside the buffer"), ex.getMessage());
        byte[] lying = a.clone();
        lying[Event.HEADER_LEN] = 9; // first param claims 9 bytes instead of 8
        ex = assertThrows(MalformedEventException.class, () -> new Event().wrap(batchOf(lying), 2, 0));
        assertTrue(ex.getMessage().contains("parameters take"), ex.getMessage());
    }
}
