// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.sql.type.SqlTypeName;
import sysql.calcite.QueryWarnings;
import sysql.calcite.SysqlEngine;
import sysql.capture.CaptureException;
import sysql.capture.CaptureStats;
import sysql.capture.engine.CaptureHub;

/**
 * The live capture's counters: {@code capture_stats} (one row per CPU and a total row with {@code cpu} NULL;
 * driver events, bytes, drops and kernel-filtered syscalls since the capture started, with the capture-wide
 * state on every row: the driver that captures, bpf or kmod, among it) and {@code capture_subscriptions} (the running scans of the live stream). Empty for a
 * capture file. And {@code query_warnings}, what the connection's queries warned of.
 */
final class CaptureTables {
    private CaptureTables() {}

    static RowTable captureStats(SysqlEngine engine) {
        return new RowTable(List.of(
                RowTable.column("cpu", SqlTypeName.INTEGER),
                RowTable.column("events", SqlTypeName.BIGINT),
                RowTable.column("bytes", SqlTypeName.BIGINT),
                RowTable.column("drops", SqlTypeName.BIGINT),
                RowTable.column("drops_ring_full", SqlTypeName.BIGINT),
                RowTable.column("drops_invalid", SqlTypeName.BIGINT),
                RowTable.column("filtered", SqlTypeName.BIGINT),
                RowTable.column("ring_bytes", SqlTypeName.BIGINT),
                RowTable.column("driver", SqlTypeName.VARCHAR),
                RowTable.column("attached", SqlTypeName.BOOLEAN),
                RowTable.column("kernel_filter", SqlTypeName.VARCHAR),
                RowTable.column("subscriptions", SqlTypeName.INTEGER),
                RowTable.column("rows_dropped", SqlTypeName.BIGINT),
                RowTable.column("delivered_events", SqlTypeName.BIGINT),
                RowTable.column("history_events", SqlTypeName.BIGINT),
                RowTable.column("history_bytes", SqlTypeName.BIGINT),
                RowTable.column("history_since", SqlTypeName.TIMESTAMP),
                RowTable.column("history_disk_segments", SqlTypeName.BIGINT),
                RowTable.column("history_disk_bytes", SqlTypeName.BIGINT),
                RowTable.column("history_disk_events", SqlTypeName.BIGINT),
                RowTable.column("history_disk_since", SqlTypeName.TIMESTAMP),
                RowTable.column("history_disk_dropped_segments", SqlTypeName.BIGINT),
                RowTable.column("history_disk_dropped_events", SqlTypeName.BIGINT),
                RowTable.column("history_disk_deleted_segments", SqlTypeName.BIGINT))) {
            @Override
            List<Object[]> rows() throws CaptureException {
                Optional<CaptureHub.Stats> stats = engine.stats();
                List<Object[]> rows = new ArrayList<>();
                if (stats.isEmpty()) {
                    return rows;
                }
                CaptureHub.Stats s = stats.get();
                CaptureStats d = s.driver();
                long rowsDropped = s.subscriptions().stream()
                        .mapToLong(CaptureHub.SubscriptionStats::droppedRows)
                        .sum();
                Object since = s.historyOldestNanos() < 0 ? null : Math.floorDiv(s.historyOldestNanos(), 1_000_000L);
                Object diskSince =
                        s.historyDiskOldestNanos() < 0 ? null : Math.floorDiv(s.historyDiskOldestNanos(), 1_000_000L);
                for (CaptureStats.Cpu c : d.cpus()) {
                    rows.add(new Object[] {
                        c.cpu(),
                        c.events(),
                        c.bytes(),
                        c.drops(),
                        c.dropsFull(),
                        c.dropsInvalid(),
                        c.filtered(),
                        (long) d.ringBytesPerCpu(),
                        d.driver().label(),
                        s.attached(),
                        s.kernelFilter(),
                        s.subscriptions().size(),
                        rowsDropped,
                        d.deliveredEvents(),
                        s.historyEvents(),
                        s.historyBytes(),
                        since,
                        s.historyDiskSegments(),
                        s.historyDiskBytes(),
                        s.historyDiskEvents(),
                        diskSince,
                        s.historyDiskDroppedSegments(),
                        s.historyDiskDroppedEvents(),
                        s.historyDiskDeletedSegments()
                    });
                }
                rows.add(new Object[] {
                    null,
                    d.events(),
                    d.cpus().stream().mapToLong(CaptureStats.Cpu::bytes).sum(),
                    d.drops(),
                    d.dropsFull(),
                    d.drops() - d.dropsFull(),
                    d.filtered(),
                    (long) d.ringBytesPerCpu() * d.cpus().size(),
                    d.driver().label(),
                    s.attached(),
                    s.kernelFilter(),
                    s.subscriptions().size(),
                    rowsDropped,
                    d.deliveredEvents(),
                    s.historyEvents(),
                    s.historyBytes(),
                    since,
                    s.historyDiskSegments(),
                    s.historyDiskBytes(),
                    s.historyDiskEvents(),
                    diskSince,
                    s.historyDiskDroppedSegments(),
                    s.historyDiskDroppedEvents(),
                    s.historyDiskDeletedSegments()
                });
                return rows;
            }
        };
    }

    static RowTable captureSubscriptions(SysqlEngine engine) {
        return new RowTable(List.of(
                RowTable.column("id", SqlTypeName.BIGINT),
                RowTable.column("kernel_filter", SqlTypeName.VARCHAR),
                RowTable.column("delivered_rows", SqlTypeName.BIGINT),
                RowTable.column("dropped_rows", SqlTypeName.BIGINT))) {
            @Override
            List<Object[]> rows() throws CaptureException {
                List<Object[]> rows = new ArrayList<>();
                Optional<CaptureHub.Stats> stats = engine.stats();
                if (stats.isPresent()) {
                    for (CaptureHub.SubscriptionStats s : stats.get().subscriptions()) {
                        rows.add(new Object[] {s.id(), s.kernelFilter(), s.deliveredRows(), s.droppedRows()});
                    }
                }
                return rows;
            }
        };
    }

    /**
     * {@code query_warnings}: what this connection's queries said beside their rows ({@link QueryWarnings}), oldest
     * first: {@code seq} (increasing), {@code time}, {@code warning}.
     */
    static RowTable queryWarnings() {
        return new RowTable(List.of(
                RowTable.column("seq", SqlTypeName.BIGINT),
                RowTable.column("time", SqlTypeName.TIMESTAMP),
                RowTable.column("warning", SqlTypeName.VARCHAR))) {
            @Override
            List<Object[]> rows() {
                throw new IllegalStateException("query_warnings is read with its statement's context");
            }

            @Override
            public Enumerable<Object[]> scan(DataContext root) {
                List<Object[]> rows = new ArrayList<>();
                for (QueryWarnings.Warning w : QueryWarnings.since(root.getQueryProvider(), 0)) {
                    rows.add(new Object[] {w.seq(), w.timeMillis(), w.text()});
                }
                return Linq4j.asEnumerable(rows);
            }
        };
    }
}
