// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sysql.capture.scap.ScapFileWriterTest.T0;
import static sysql.capture.scap.ScapFileWriterTest.code;
import static sysql.capture.scap.ScapFileWriterTest.event;
import static sysql.capture.scap.ScapFileWriterTest.i64;
import static sysql.capture.scap.ScapFileWriterTest.str;
import static sysql.capture.scap.ScapFileWriterTest.u16;
import static sysql.capture.scap.ScapFileWriterTest.u32;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldCatalog;

/**
 * Differential test of values the test captures do not exercise, on a synthetic capture that sysdig 0.29.3 and
 * sysql both read: 64-bit unsigned arguments from 2^63 up (sysdig prints them signed: futex val=-1, lseek
 * offset=-62), the environment's trailing NULs (proc.env), the login uid of a child whose caller sysdig knew
 * nothing about (0, sysdig's new thread record), and events of types sysdig 0.29.3 does not know (later libs'
 * useradded, a code no table defines): no rows and no numbers. Every line sysdig prints must be sysql's,
 * untrimmed, and sysql must print no other row.
 */
class SysdigValuesTest {
    static final String[] FIELDS = {
        "evt.num",
        "thread.tid",
        "evt.type",
        "evt.args",
        "evt.info",
        "evt.arg[1]",
        "evt.arg[2]",
        "evt.arg.val",
        "evt.arg.offset",
        "user.loginuid",
        "user.loginname",
        "proc.name",
        "proc.env"
    };

    @TempDir
    Path dir;

    static byte[] clone20Exit(long ts, long tid, long res, long pid, long ptid, long vtid) {
        return event(
                ts,
                tid,
                code("clone", false),
                i64(res),
                str("worker"),
                str("worker"),
                i64(tid),
                i64(pid),
                i64(ptid),
                str("/"),
                i64(1024),
                i64(0),
                i64(0),
                u32(100),
                u32(10),
                u32(0),
                str("worker"),
                str("cpu=/"),
                u32(0),
                u32(1000),
                u32(1000),
                i64(vtid),
                i64(res == 0 ? tid : res));
    }

    static List<byte[]> events() {
        List<byte[]> in = new ArrayList<>();
        long t = T0;
        int futexE = code("futex", true);
        int lseekE = code("lseek", true);
        in.add(event(t++, 100, futexE, i64(0x7f00_0000_1000L), u16(0x80), i64(-1)));
        in.add(event(t++, 100, futexE + 1, i64(0)));
        // later libs' useradded (354, a host user) and a type no table defines: sysdig 0.29.3 skips both
        in.add(event(t++, 0, 354, u32(4242), u32(4242), str("later"), str("/home/later"), str("/bin/sh"), str("")));
        in.add(event(t++, 100, 452, i64(1)));
        in.add(event(t++, 100, lseekE, i64(0), i64(-62), new byte[] {1}));
        in.add(event(t++, 100, lseekE + 1, i64(-22)));
        in.add(event(t++, 200, lseekE, i64(0), i64(Long.MIN_VALUE), new byte[] {0}));
        in.add(event(t++, 200, lseekE + 1, i64(0)));
        // a clone by a thread the file never described: the child gets no login uid from it
        in.add(event(t++, 300, code("clone", true)));
        in.add(clone20Exit(t++, 300, 301, 300, 1, 300));
        in.add(clone20Exit(t++, 301, 0, 301, 300, 301));
        in.add(event(t++, 301, code("close", true), i64(5)));
        in.add(event(t++, 301, code("close", false), i64(-9)));
        return in;
    }

    @Test
    void syntheticValuesAgreeWithSysdig() throws Exception {
        InitialState state = ScapFileWriterTest.state();
        Path file = dir.resolve("values.scap");
        try (ScapFileWriter w = ScapFileWriter.create(
                file, state, ScapFileWriter.Options.defaults().withSysdigCompatible(false))) {
            for (byte[] b : events()) {
                w.write(new Event().wrap(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN), 0, 0));
            }
        }
        StringBuilder fmt = new StringBuilder("*");
        for (String f : FIELDS) {
            fmt.append(fmt.length() > 1 ? "\u0001" : "").append('%').append(f);
        }
        List<String> want = Sysdig.readOk(file, fmt.toString(), null);
        List<String> got = new ArrayList<>();
        Field[] fields = new Field[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            fields[i] = FieldCatalog.get(FIELDS[i]);
        }
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch()) {
            EventContext ctx = EventContext.forCaptureFile(src.initialState());
            Event e = new Event();
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    ctx.advance(e);
                    if (!ctx.isRow()) {
                        continue;
                    }
                    StringBuilder line = new StringBuilder();
                    for (int i = 0; i < fields.length; i++) {
                        line.append(i > 0 ? "\u0001" : "").append(fields[i].format(ctx));
                    }
                    got.add(line.toString());
                }
            }
        }
        assertEquals(11, want.size(), "sysdig's rows: " + want);
        assertEquals(String.join("\n", want), String.join("\n", got));
        // the cases are really there
        String all = String.join("\n", want);
        assertTrue(all.contains("val=-1"), all);
        assertTrue(all.contains("offset=-62"), all);
        assertTrue(all.contains("offset=-9223372036854775808"), all);
        assertTrue(all.contains("\u00010\u0001root\u0001"), all);
    }
}
