-- With the four files of sql-examples/metrics/, the metrics of bench/metrics-bench.sh: six more statements of the
-- kinds a host's dashboard asks for, every one over every event (none narrows the kernel's capture), ten in all.

SELECT STREAM user.name, evt.category, COUNT(*) AS sysql_events_total
FROM events
GROUP BY TUMBLE(evt.time, INTERVAL '5' SECOND), user.name, evt.category;

SELECT STREAM evt.type, evt.res, COUNT(*) AS sysql_failed_syscalls_total
FROM events
WHERE evt.dir = '<' AND evt.failed
GROUP BY TUMBLE(evt.time, INTERVAL '5' SECOND), evt.type, evt.res;

SELECT STREAM fd.directory, evt.io_dir, SUM(evt.rawarg.res) AS sysql_file_bytes_total
FROM events
WHERE evt.is_io AND NOT evt.failed AND evt.rawarg.res > 0 AND fd.type = 'file'
GROUP BY TUMBLE(evt.time, INTERVAL '5' SECOND), fd.directory, evt.io_dir;

SELECT STREAM container.name, COUNT(*) AS sysql_container_events_total
FROM events
GROUP BY TUMBLE(evt.time, INTERVAL '5' SECOND), container.name;

SELECT STREAM proc.name, AVG(evt.latency) / 1e9 AS sysql_syscall_latency_avg_seconds
FROM events
WHERE evt.dir = '<'
GROUP BY TUMBLE(evt.time, INTERVAL '5' SECOND), proc.name;

SELECT STREAM fd.sip, fd.sport, COUNT(*) AS sysql_connects_total
FROM events
WHERE evt.type = 'connect' AND evt.dir = '<'
GROUP BY TUMBLE(evt.time, INTERVAL '5' SECOND), fd.sip, fd.sport;
