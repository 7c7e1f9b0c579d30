-- topcontainers_net: Top containers by network I/O
-- category: Net
-- test:
-- compare: top 100
--
-- The containers that use the network the most: bytes of the I/O calls on IPv4/IPv6 sockets (the sum of their
-- positive return values) per container (the host's own left out), top 100. As sysdig's topcontainers_net: over
-- a capture file once, live every second.

SELECT format_bytes(SUM(evt.rawarg.res)) AS bytes, container.name AS container
FROM events
WHERE fd.type IN ('ipv4', 'ipv6') AND evt.is_io AND evt.rawarg.res > 0
  AND container.name <> 'host'
GROUP BY container.name
ORDER BY SUM(evt.rawarg.res) DESC
LIMIT 100;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       format_bytes(SUM(evt.rawarg.res)) AS bytes, container.name AS container
FROM events
WHERE fd.type IN ('ipv4', 'ipv6') AND evt.is_io AND evt.rawarg.res > 0
  AND container.name <> 'host'
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), container.name
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(evt.rawarg.res) DESC
LIMIT 100;
