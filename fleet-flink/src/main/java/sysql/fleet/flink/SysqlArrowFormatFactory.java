// SPDX-License-Identifier: Apache-2.0
package sysql.fleet.flink;

import java.util.Set;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.Projection;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.ProjectableDecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The Flink table format {@code 'format' = 'sysql-arrow'} (found through {@code META-INF/services}): each record
 * value is one Arrow IPC stream written by {@code sysql export}, decoded by {@link SysqlArrowDeserializationSchema}
 * into insert-only rows, columns matched by name. Option: {@code 'sysql-arrow.ignore-parse-errors'} (default
 * false) skips and counts records that are not Arrow IPC streams instead of failing the job.
 */
public final class SysqlArrowFormatFactory implements DeserializationFormatFactory {
    /** The format's name in {@code 'format' = ...}. */
    public static final String IDENTIFIER = "sysql-arrow";

    /** Skip (and count) records that are not Arrow IPC streams; a column type that does not fit still fails. */
    public static final ConfigOption<Boolean> IGNORE_PARSE_ERRORS = ConfigOptions.key("ignore-parse-errors")
            .booleanType()
            .defaultValue(false)
            .withDescription("Skip records that are not Arrow IPC streams (counted in the metric "
                    + SysqlArrowDeserializationSchema.SKIPPED_RECORDS_METRIC + ") instead of failing.");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(IGNORE_PARSE_ERRORS);
    }

    @Override
    public Set<ConfigOption<?>> forwardOptions() {
        return Set.of(IGNORE_PARSE_ERRORS);
    }

    @Override
    public DecodingFormat<DeserializationSchema<RowData>> createDecodingFormat(
            DynamicTableFactory.Context context, ReadableConfig formatOptions) {
        FactoryUtil.validateFactoryOptions(this, formatOptions);
        return new Decoding(formatOptions.get(IGNORE_PARSE_ERRORS));
    }

    /** The decoding format: insert-only, projectable (only the projected columns are read from the vectors). */
    private static final class Decoding implements ProjectableDecodingFormat<DeserializationSchema<RowData>> {
        private final boolean ignoreParseErrors;

        Decoding(boolean ignoreParseErrors) {
            this.ignoreParseErrors = ignoreParseErrors;
        }

        @Override
        public DeserializationSchema<RowData> createRuntimeDecoder(
                DynamicTableSource.Context context, DataType physicalDataType, int[][] projections) {
            DataType produced = Projection.of(projections).project(physicalDataType);
            return new SysqlArrowDeserializationSchema(
                    (RowType) produced.getLogicalType(), context.createTypeInformation(produced), ignoreParseErrors);
        }

        @Override
        public ChangelogMode getChangelogMode() {
            return ChangelogMode.insertOnly();
        }
    }
}
