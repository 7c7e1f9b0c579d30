// SPDX-License-Identifier: Apache-2.0
package sysql.capture.columnar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldCatalog;
import sysql.capture.scap.PayloadCapture;
import sysql.capture.scap.ScapFileSource;
import sysql.capture.state.CaptureFileState;
import sysql.capture.state.StateTracker;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;
import sysql.testing.TestData;

/** Arrow batches carry exactly the requested fields, with the same values as the row-wise extractors. */
class EventColumnsTest {
    static final List<String> FIELDS = List.of(
            "evt.num",
            "evt.rawtime",
            "evt.cpu",
            "evt.type",
            "evt.failed",
            "proc.name",
            "proc.pid",
            "fd.name",
            "fd.sport",
            "fd.sproto",
            "fd.name_changed",
            "fdlist.names",
            "container.type",
            "container.mount[0]",
            "proc.fdusage");

    static Path capture(String name) {
        return TestData.scap(name);
    }

    static EventContext context(ScapFileSource src) {
        ThreadTable threads = new ThreadTable(null);
        Users users = new Users();
        CaptureFileState.seed(src.initialState(), threads, users);
        return new EventContext(new StateTracker(threads), users);
    }

    /** Every event's fields as sysdig-style text, row by row (the reference). */
    static List<List<String>> rowWise(Path file, List<Field> fields) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch()) {
            EventContext ctx = context(src);
            Event e = new Event();
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    ctx.advance(e);
                    List<String> row = new ArrayList<>();
                    for (Field f : fields) {
                        row.add(f.format(ctx));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    static String cell(
            VectorSchemaRoot root,
            org.apache.arrow.vector.dictionary.DictionaryProvider dicts,
            Field f,
            int col,
            int row) {
        FieldVector v = root.getVector(col);
        if (v.isNull(row)) {
            return "<NA>";
        }
        var encoding = v.getField().getDictionary();
        if (encoding != null) {
            Dictionary d = dicts.lookup(encoding.getId());
            VarCharVector values = (VarCharVector) d.getVector();
            return new String(values.get(((IntVector) v).get(row)), StandardCharsets.UTF_8);
        }
        Object o = v.getObject(row);
        return switch (f.type()) {
            case BOOLEAN -> ((Boolean) o) ? "true" : "false";
            case VARCHAR -> o.toString();
            case DOUBLE ->
                new java.math.BigDecimal((Double) o)
                        .setScale(1, java.math.RoundingMode.HALF_EVEN)
                        .toPlainString();
            default -> o.toString();
        };
    }

    @Test
    void columnsEqualTheRowWiseValuesAndOnlyRequestedFieldsExist() throws Exception {
        Path file = capture("libs_curl_google.scap");
        List<Field> fields = FIELDS.stream().map(FieldCatalog::get).toList();
        List<List<String>> expected = rowWise(file, fields);
        assertTrue(expected.size() > 1000);
        int seen = 0;
        try (BufferAllocator alloc = new RootAllocator();
                ScapFileSource src = ScapFileSource.open(file);
                ColumnarReader reader = new ColumnarReader(src, context(src), fields, c -> true, alloc, 256)) {
            while (reader.next(0)) {
                VectorSchemaRoot root = reader.columns().root();
                assertEquals(FIELDS.size(), root.getFieldVectors().size(), "one vector per requested field");
                for (int r = 0; r < root.getRowCount(); r++) {
                    for (int c = 0; c < fields.size(); c++) {
                        assertEquals(
                                expected.get(seen).get(c),
                                cell(root, reader.columns().dictionaries(), fields.get(c), c, r),
                                FIELDS.get(c) + " of event " + (seen + 1));
                    }
                    seen++;
                }
            }
        }
        assertEquals(expected.size(), seen, "every event became a row");
    }

    @Test
    void lowCardinalityTextIsDictionaryEncodedAndFilteredEventsSkipRows() throws Exception {
        Path file = capture("falco_connect_localhost.scap");
        List<Field> fields = List.of(FieldCatalog.get("evt.type"), FieldCatalog.get("fd.name"));
        try (BufferAllocator alloc = new RootAllocator();
                ScapFileSource src = ScapFileSource.open(file);
                ColumnarReader reader = new ColumnarReader(
                        src,
                        context(src),
                        fields,
                        c -> "connect".equals(c.event().syscallName()),
                        alloc,
                        64)) {
            List<String> types = new ArrayList<>();
            while (reader.next(0)) {
                VectorSchemaRoot root = reader.columns().root();
                FieldVector type = root.getVector("evt.type");
                assertNotNull(type.getField().getDictionary(), "evt.type is dictionary-encoded");
                assertFalse(root.getVector("fd.name").getField().getDictionary() != null, "fd.name is plain text");
                for (int r = 0; r < root.getRowCount(); r++) {
                    types.add(cell(root, reader.columns().dictionaries(), fields.get(0), 0, r));
                }
            }
            assertFalse(types.isEmpty());
            assertTrue(types.stream().allMatch("connect"::equals), types.toString());
        }
    }

    @TempDir
    Path tmp;

    /**
     * A VARBINARY column (evt.rawarg.data) holds every byte of each buffer, up to 65000, the same bytes the row-wise
     * extractor gives; the text beside it (evt.arg.data) is cut at the context's print length; batches are reused.
     */
    @Test
    void rawBuffersAreWholeBytesAndTheirTextFollowsThePrintLength() throws Exception {
        Path file = PayloadCapture.write(tmp);
        List<Field> fields = List.of(FieldCatalog.get("evt.rawarg.data"), FieldCatalog.get("evt.arg.data"));
        assertEquals(sysql.capture.fields.FieldType.VARBINARY, fields.get(0).type());
        List<byte[]> bytes = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch()) {
            EventContext ctx = context(src).bufferPrintLength(1000);
            Event e = new Event();
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    ctx.advance(e);
                    bytes.add(fields.get(0).getBytes(ctx));
                    texts.add(fields.get(1).format(ctx));
                }
            }
        }
        assertEquals(14, bytes.size());
        assertArrayEquals(PayloadCapture.text5000(), bytes.get(1));
        assertArrayEquals(PayloadCapture.binary65000(), bytes.get(13));
        assertEquals(1000, texts.get(1).length());
        assertTrue(texts.get(1).endsWith("..."), texts.get(1));
        int seen = 0;
        try (BufferAllocator alloc = new RootAllocator();
                ScapFileSource src = ScapFileSource.open(file);
                ColumnarReader reader =
                        new ColumnarReader(src, context(src).bufferPrintLength(1000), fields, c -> true, alloc, 3)) {
            while (reader.next(0)) {
                VectorSchemaRoot root = reader.columns().root();
                VarBinaryVector raw = (VarBinaryVector) root.getVector(0);
                for (int r = 0; r < root.getRowCount(); r++) {
                    if (bytes.get(seen) == null) {
                        assertTrue(raw.isNull(r), "row " + seen);
                    } else {
                        assertArrayEquals(bytes.get(seen), raw.get(r), "evt.rawarg.data of row " + seen);
                    }
                    assertEquals(texts.get(seen), cell(root, reader.columns().dictionaries(), fields.get(1), 1, r));
                    seen++;
                }
            }
        }
        assertEquals(14, seen);
    }
}
