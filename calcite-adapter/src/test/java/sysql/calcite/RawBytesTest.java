// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldCatalog;
import sysql.capture.scap.ScapFileSource;

/**
 * Raw buffer bytes through SQL: evt.rawarg.data is a VARBINARY column whose value for every event is the
 * parameter's bytes as the file holds them (newlines, NULs and all), next to evt.arg.data, sysdig's text for them.
 */
class RawBytesTest extends CaptureFileTests {
    static final String FILE = "libs_curl_google.scap";

    RawBytesTest() throws Exception {
        super(FILE);
    }

    @Test
    void rawargDataIsTheBufferBytesAsVarbinary() throws Exception {
        Field raw = FieldCatalog.get("evt.rawarg.data");
        Field text = FieldCatalog.get("evt.arg.data");
        Map<Long, byte[]> bytes = new HashMap<>();
        Map<Long, String> texts = new HashMap<>();
        try (ScapFileSource src = ScapFileSource.open(TestConnections.scap(FILE));
                EventBatch batch = new EventBatch()) {
            EventContext ctx = EventContext.forCaptureFile(src.initialState());
            Event e = new Event();
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    ctx.advance(e);
                    bytes.put(ctx.num(), raw.getBytes(ctx));
                    texts.put(ctx.num(), text.isNull(ctx) ? null : text.getString(ctx));
                }
            }
        }
        int rows = 0;
        int withNewline = 0;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT evt.num, evt.rawarg.data, evt.arg.data FROM events")) {
            assertEquals(Types.VARBINARY, rs.getMetaData().getColumnType(2));
            while (rs.next()) {
                long num = rs.getLong(1);
                byte[] want = bytes.get(num);
                byte[] got = rs.getBytes(2);
                if (want == null) {
                    assertNull(got, "evt.rawarg.data of #" + num);
                } else {
                    assertArrayEquals(want, got, "evt.rawarg.data of #" + num);
                    for (byte b : got) {
                        if (b == '\n') {
                            withNewline++;
                            break;
                        }
                    }
                }
                assertEquals(texts.get(num), rs.getString(3), "evt.arg.data of #" + num);
                rows++;
            }
        }
        assertEquals(bytes.size(), rows);
        assertTrue(withNewline > 5, "buffers with a newline kept as bytes: " + withNewline);
    }
}
