// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import java.nio.ByteBuffer;
import sysql.capture.Event;
import sysql.driver.EventTables;

/**
 * What sysdig 0.29.3 reads, for {@link ScapFileWriter}: where its event and fd type tables end, and how what lies
 * beyond them is written so that it reads the file. The writer does the block encoding and asks this class what
 * to put in the blocks.
 *
 * <ul>
 *   <li><b>Events</b> it does not know (sysql's typed events for newer syscalls, codes 338..405, and its generic
 *       event with raw arguments, 1000/1001) are, when {@link ScapFileWriter.Options#sysdigCompatible()}, written
 *       as its generic syscall event: enter {@code GENERIC_E(ID, nativeID)}, exit {@code GENERIC_X(ID)}, with the
 *       same timestamp, thread and cpu ({@code ID} is sysdig's syscall code, {@code nativeID} the x86_64 syscall
 *       number): {@link #needsDowngrade(int)}, {@link #downgrade(Event, ByteBuffer, int)}.
 *   <li><b>fd types</b> from 17 up, which it refuses ("wrong fd type"), are, when sysdig-compatible, written as
 *       the fd libscap of that version would have recorded: a memfd as the file it looks like, the others as
 *       unsupported ({@link #downgrade(ScapFdInfo)}).
 *   <li><b>Process list entries</b> carry, after the root, exactly what libscap of 0.29.3 reads (loginuid,
 *       exe_writable and the three capability sets), in every mode; later fields (pidns_init_start_ts, tty,
 *       exe_upper_layer …) are not written, since libs 0.10 placed some of them before loginuid where 0.29.3 would
 *       misread them ({@link #writeProcessTail(BlockBuilder, ProcessInfo)}).
 * </ul>
 *
 * <p>Stateless; downgrading an event writes into the caller's buffer and allocates nothing.
 */
public final class Sysdig029Compat {
    /** Event codes from here up are not in sysdig 0.29.3's event table. */
    public static final int EVENT_LIMIT = 338;
    /** fd type codes from here up are not known to sysdig 0.29.3 (BPF, userfaultfd, io_uring, memfd, pidfd). */
    public static final int FD_TYPE_LIMIT = 17;

    private static final int HEADER_LEN = Event.HEADER_LEN;
    private static final int GENERIC_E = EventTables.EVENT_GENERIC_E;
    private static final int GENERIC_ARGS_E = EventTables.EVENT_GENERIC_ARGS_E;
    /** The longest event {@link #downgrade(Event, ByteBuffer, int)} writes: the enter event, two u16 parameters. */
    static final int MAX_DOWNGRADED_LEN = HEADER_LEN + 2 * 2 + 2 * 2;
    /** For each extension enter event code: {x86_64 syscall number, sysdig syscall code}. */
    private static final int[][] EXTENSION_SYSCALL = new int[EventTables.EVENT_CODE_LIMIT][];

    static {
        EventTables.syscalls((nr, name, syscallCode, enterEvent, flags) -> {
            if (enterEvent >= EVENT_LIMIT
                    && enterEvent < EXTENSION_SYSCALL.length
                    && enterEvent != GENERIC_ARGS_E
                    && EXTENSION_SYSCALL[enterEvent] == null) {
                EXTENSION_SYSCALL[enterEvent] = new int[] {nr, syscallCode};
            }
        });
    }

    private Sysdig029Compat() {}

    /**
     * Whether {@code typeCode} is an event type sysdig 0.29.3 does not know, which a sysdig-compatible writer
     * writes as the generic syscall event.
     */
    public static boolean needsDowngrade(int typeCode) {
        return typeCode >= EVENT_LIMIT;
    }

    /**
     * Writes the generic event standing for {@code e} (26-byte header, little endian) at {@code at} of {@code dst},
     * which has room for {@link #MAX_DOWNGRADED_LEN} bytes there; returns its length.
     */
    static int downgrade(Event e, ByteBuffer dst, int at) {
        int code = e.typeCode();
        boolean enter = (code & 1) == 0;
        int id;
        int nativeId;
        if ((code & ~1) == GENERIC_ARGS_E) {
            id = e.nparams() > 0 && e.paramLength(0) == 2 ? (int) e.paramAsLong(0) & 0xffff : 0;
            nativeId = e.nparams() > 1 && e.paramLength(1) == 2 ? (int) e.paramAsLong(1) & 0xffff : 0;
        } else {
            int[] sc = EXTENSION_SYSCALL[code & ~1];
            nativeId = sc != null ? sc[0] : 0;
            id = sc != null ? sc[1] : 0;
        }
        int np = enter ? 2 : 1;
        int len = HEADER_LEN + 2 * np + 2 * np;
        dst.putLong(at, e.ts());
        dst.putLong(at + 8, e.tid());
        dst.putInt(at + 16, len);
        dst.putShort(at + 20, (short) (enter ? GENERIC_E : GENERIC_E + 1));
        dst.putInt(at + 22, np);
        int q = at + HEADER_LEN;
        for (int i = 0; i < np; i++) {
            dst.putShort(q, (short) 2);
            q += 2;
        }
        dst.putShort(q, (short) id);
        if (enter) {
            dst.putShort(q + 2, (short) nativeId);
        }
        return len;
    }

    /**
     * An fd of a type sysdig 0.29.3 does not know (it refuses the file: "wrong fd type") as the one libscap of that
     * version would have recorded: a memfd as the file it looks like in /proc, the others as unsupported; any
     * other fd as it is.
     */
    public static ScapFdInfo downgrade(ScapFdInfo f) {
        if (f.type().code() < FD_TYPE_LIMIT) {
            return f;
        }
        if (f.type() == ScapFdType.MEMFD) {
            return new ScapFdInfo(
                    f.tid(),
                    f.fd(),
                    f.ino(),
                    ScapFdType.FILE_V2,
                    f.name(),
                    f.openFlags(),
                    f.dev(),
                    null,
                    null,
                    0,
                    0,
                    0,
                    0,
                    0);
        }
        return new ScapFdInfo(
                f.tid(), f.fd(), f.ino(), ScapFdType.UNSUPPORTED, f.name(), 0, 0, null, null, 0, 0, 0, 0, 0);
    }

    /** The end of a process list v9 entry after the root, as libscap of sysdig 0.29.3 writes and reads it. */
    static void writeProcessTail(BlockBuilder b, ProcessInfo p) {
        b.i32(p.loginuid()).u8(p.exeWritable() ? 1 : 0);
        b.i64(p.capInheritable()).i64(p.capPermitted()).i64(p.capEffective());
    }
}
