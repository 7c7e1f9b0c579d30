-- v_connections: Connections: every network connection, with bytes in and out and I/O calls
-- category: csysdig views
-- oracle: csysdig -v connections -j
-- oracle-key: csysdig's row key is the connection (fd.name), the view's last column
-- oracle-ipv4: csysdig 0.29.3 prints an IPv4 fd.lip/fd.rip as the 16 bytes from the address on, as IPv6 (ac12:1:ac12:2:c6ca:5000:200:0 for 172.18.0.1 with 172.18.0.2 behind it); the test reads such a value's first two groups as the address, which must be one of the row's key's
-- not-compared: a csysdig view, not a sysdig chisel: CsysdigViewsTest compares it with csysdig -v connections -j
--
-- csysdig's "Connections" view (v_connections.lua): per connection (fd.name of an inet socket), its protocol,
-- local and remote address and port, the bytes read and written on it (evt.buflen.net.in/out: reads and writes
-- by the event table's category, as csysdig counts them, sendfile among the writes), its events (both
-- directions) and the command line of the process of its last event, sorted by bytes in. As csysdig, only the
-- events where each of those fields has a value count (a listening or only bound socket has no remote end).
-- csysdig's screen shows the bytes and events per second of its sample; over a file these are the whole file's
-- totals, which its JSON output (-j) prints: divide by the span (MAX(evt.rawtime) - MIN(evt.rawtime)) / 1e9 for
-- the screen's rates. Live, per second: there the command is the greatest of the second's (sysql's window
-- aggregate has no ARG_MAX), which differs from the last only when processes share a connection.

SELECT MAX(fd.l4proto) AS l4proto, MAX(fd.lip) AS lip, MAX(fd.lport) AS lport, MAX(fd.rip) AS rip,
       MAX(fd.rport) AS rport,
       SUM(CASE WHEN evt.is_io_read THEN COALESCE(evt.buflen, 0) ELSE 0 END) AS bytes_in,
       SUM(CASE WHEN evt.is_io_write OR evt.type = 'sendfile' THEN COALESCE(evt.buflen, 0) ELSE 0 END) AS bytes_out,
       COUNT(*) AS events,
       COALESCE(ARG_MAX(proc.exeline, evt.num), '<NA>') AS command,
       fd.name AS connection
FROM events
WHERE fd.type IN ('ipv4', 'ipv6') AND fd.name <> ''
  AND fd.l4proto IS NOT NULL AND fd.lip IS NOT NULL AND fd.lport IS NOT NULL AND fd.rip IS NOT NULL
  AND fd.rport IS NOT NULL
GROUP BY fd.name
ORDER BY SUM(CASE WHEN evt.is_io_read THEN COALESCE(evt.buflen, 0) ELSE 0 END) DESC;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       MAX(fd.l4proto) AS l4proto, MAX(fd.lip) AS lip, MAX(fd.lport) AS lport, MAX(fd.rip) AS rip,
       MAX(fd.rport) AS rport,
       SUM(CASE WHEN evt.is_io_read THEN COALESCE(evt.buflen, 0) ELSE 0 END) AS bytes_in,
       SUM(CASE WHEN evt.is_io_write OR evt.type = 'sendfile' THEN COALESCE(evt.buflen, 0) ELSE 0 END) AS bytes_out,
       COUNT(*) AS events,
       COALESCE(MAX(proc.exeline), '<NA>') AS command,
       fd.name AS connection
FROM events
WHERE fd.type IN ('ipv4', 'ipv6') AND fd.name <> ''
  AND fd.l4proto IS NOT NULL AND fd.lip IS NOT NULL AND fd.lport IS NOT NULL AND fd.rip IS NOT NULL
  AND fd.rport IS NOT NULL
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), fd.name
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND),
         SUM(CASE WHEN evt.is_io_read THEN COALESCE(evt.buflen, 0) ELSE 0 END) DESC;
