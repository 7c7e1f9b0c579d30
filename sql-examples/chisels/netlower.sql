-- netlower: Trace slow network I/0
-- category: Performance
-- arg: min_ms number: the least latency shown, in milliseconds (0: all network I/O)
-- test: 0 => 0 disable_color
-- test: 1 => 1 disable_color
-- compare: rows skip 2
-- stream: history
--
-- Network reads and writes (I/O on IPv4 and IPv6 sockets) slower than MIN_MS milliseconds, as sysdig's
-- netlower prints them: the time to the millisecond, the process name (cut at 12 characters), the system call,
-- the latency in whole milliseconds and the connection. sysdig's chisel colours its lines (green on the host, blue in a container) unless given disable_color; this prints none (the test runs
-- sysdig with disable_color).

SELECT SUBSTRING(evt.datetime FROM 1 FOR 23) AS "datetime", SUBSTRING(COALESCE(proc.name, '<NA>') FROM 1 FOR 12) AS process,
       evt.type AS syscall, evt.latency / 1000000 AS latency_ms, fd.name AS fd
FROM events
WHERE evt.is_io AND fd.type IN ('ipv4', 'ipv6') AND evt.dir = '<' AND evt.latency > ${min_ms} * 1000000;
