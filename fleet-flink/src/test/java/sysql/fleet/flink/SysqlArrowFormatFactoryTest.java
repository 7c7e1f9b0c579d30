// SPDX-License-Identifier: Apache-2.0
package sysql.fleet.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sysql.fleet.flink.ArrowRecords.field;
import static sysql.fleet.flink.ArrowRecords.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.ProjectableDecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** The factory and its decoding format: options, projection, changelog mode. */
class SysqlArrowFormatFactoryTest {
    /** What a table source gives the format: type information for the produced rows. */
    private static final class SourceContext implements DynamicTableSource.Context {
        @Override
        public <T> TypeInformation<T> createTypeInformation(DataType producedDataType) {
            return InternalTypeInfo.of(producedDataType.getLogicalType());
        }

        @Override
        public <T> TypeInformation<T> createTypeInformation(LogicalType producedLogicalType) {
            return InternalTypeInfo.of(producedLogicalType);
        }

        @Override
        public DynamicTableSource.DataStructureConverter createDataStructureConverter(DataType producedDataType) {
            throw new UnsupportedOperationException();
        }
    }

    private static List<RowData> decode(DeserializationSchema<RowData> d, byte[] record) throws Exception {
        List<RowData> out = new ArrayList<>();
        d.deserialize(record, new Collector<RowData>() {
            @Override
            public void collect(RowData r) {
                out.add(r);
            }

            @Override
            public void close() {}
        });
        return out;
    }

    @Test
    void projectionOptionsAndChangelogMode() throws Exception {
        Configuration options = new Configuration();
        options.setString("ignore-parse-errors", "true");
        DecodingFormat<DeserializationSchema<RowData>> format =
                new SysqlArrowFormatFactory().createDecodingFormat(null, options);
        assertEquals(ChangelogMode.insertOnly(), format.getChangelogMode());
        assertInstanceOf(ProjectableDecodingFormat.class, format);
        ProjectableDecodingFormat<DeserializationSchema<RowData>> projectable =
                (ProjectableDecodingFormat<DeserializationSchema<RowData>>) format;
        DataType physical = DataTypes.ROW(
                DataTypes.FIELD("proc.name", DataTypes.STRING()),
                DataTypes.FIELD("evt.num", DataTypes.BIGINT()),
                DataTypes.FIELD("host.name", DataTypes.STRING()));
        DeserializationSchema<RowData> d =
                projectable.createRuntimeDecoder(new SourceContext(), physical, new int[][] {{2}, {0}});
        d.open(null);
        assertEquals(
                InternalTypeInfo.of(DataTypes.ROW(
                                DataTypes.FIELD("host.name", DataTypes.STRING()),
                                DataTypes.FIELD("proc.name", DataTypes.STRING()))
                        .getLogicalType()),
                d.getProducedType());
        Schema schema = new Schema(List.of(
                field("evt.num", new ArrowType.Int(64, true)),
                field("proc.name", ArrowType.Utf8.INSTANCE),
                field("host.name", ArrowType.Utf8.INSTANCE)));
        byte[] record = stream(schema, List.of(Arrays.<Object[]>asList(new Object[] {1L, "bash", "h1"})));
        assertEquals(
                List.of(GenericRowData.of(StringData.fromString("h1"), StringData.fromString("bash"))),
                decode(d, record));
        assertTrue(decode(d, "garbage".getBytes(StandardCharsets.UTF_8)).isEmpty());
        assertEquals(1, ((SysqlArrowDeserializationSchema) d).skippedRecords());

        // the default fails on garbage; a value that is not a boolean is refused (an unknown key is refused by the
        // connector's helper: FleetSchemaTest.formatIsDiscoveredAndValidatesItsOptions)
        DeserializationSchema<RowData> strict = new SysqlArrowFormatFactory()
                .createDecodingFormat(null, new Configuration())
                .createRuntimeDecoder(new SourceContext(), physical);
        assertThrows(SysqlArrowFormatException.class, () -> decode(strict, new byte[] {1, 2, 3}));
        Configuration bad = new Configuration();
        bad.setString("ignore-parse-errors", "maybe");
        assertThrows(ValidationException.class, () -> new SysqlArrowFormatFactory().createDecodingFormat(null, bad));
    }
}
