-- topports_server: Top TCP/UDP server ports by R+W bytes
-- category: Net
-- test:
-- compare: top 100
--
-- The server ports that move the most: bytes of the I/O calls on IPv4/IPv6 sockets (the sum of their positive
-- return values) per server port, top 100. As sysdig's topports_server (without -pc): over a capture file once,
-- live every second.

SELECT format_bytes(SUM(evt.rawarg.res)) AS bytes, fd.sport AS srv_port
FROM events
WHERE fd.type IN ('ipv4', 'ipv6') AND evt.is_io AND evt.rawarg.res > 0 AND fd.sport IS NOT NULL
GROUP BY fd.sport
ORDER BY SUM(evt.rawarg.res) DESC
LIMIT 100;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       format_bytes(SUM(evt.rawarg.res)) AS bytes, fd.sport AS srv_port
FROM events
WHERE fd.type IN ('ipv4', 'ipv6') AND evt.is_io AND evt.rawarg.res > 0 AND fd.sport IS NOT NULL
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), fd.sport
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(evt.rawarg.res) DESC
LIMIT 100;
