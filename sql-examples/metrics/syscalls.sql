-- System calls per process and syscall, each call counted once, when it returns (its exit event), and the
-- slowest call of each in the last window (a gauge). A series per (proc.name, evt.type), moved every 5 seconds by
-- the window that closed.
--
--   sysql serve --metrics sql-examples/metrics/syscalls.sql
--   PromQL: topk(10, sum by (proc_name) (rate(sysql_syscalls_total[1m])))

-- HELP sysql_syscalls_total System calls that returned, per process name and system call.
-- HELP sysql_syscall_latency_max_seconds The slowest call in the last 5-second window, per process name and system call.
SELECT STREAM proc.name, evt.type,
       COUNT(*) AS sysql_syscalls_total,
       MAX(evt.latency) / 1e9 AS sysql_syscall_latency_max_seconds
FROM events
WHERE evt.dir = '<'
GROUP BY TUMBLE(evt.time, INTERVAL '5' SECOND), proc.name, evt.type;
