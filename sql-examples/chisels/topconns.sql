-- topconns: Top network connections by total bytes
-- category: Net
-- test:
-- compare: top 30
--
-- The network connections that moved the most: bytes read and written on IPv4/IPv6 sockets (the sum of the
-- I/O calls' positive return values), per protocol and connection, top 30. As sysdig's topconns (without -pc):
-- over a capture file once, live every second.

SELECT format_bytes(SUM(evt.rawarg.res)) AS bytes, fd.l4proto AS proto, fd.name AS conn
FROM events
WHERE fd.type IN ('ipv4', 'ipv6') AND evt.is_io AND evt.rawarg.res > 0 AND fd.l4proto IS NOT NULL
  AND fd.name IS NOT NULL
GROUP BY fd.l4proto, fd.name
ORDER BY SUM(evt.rawarg.res) DESC
LIMIT 30;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       format_bytes(SUM(evt.rawarg.res)) AS bytes, fd.l4proto AS proto, fd.name AS conn
FROM events
WHERE fd.type IN ('ipv4', 'ipv6') AND evt.is_io AND evt.rawarg.res > 0 AND fd.l4proto IS NOT NULL
  AND fd.name IS NOT NULL
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), fd.l4proto, fd.name
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(evt.rawarg.res) DESC
LIMIT 30;
