-- topprocs_net: Top processes by network I/O
-- category: Net
-- test:
-- compare: top 100
--
-- The processes that use the network the most: bytes of the I/O calls on IPv4/IPv6 sockets (the sum of their
-- positive return values) per process name and pid, top 100. As sysdig's topprocs_net (without -pc): over a
-- capture file once, live every second.

SELECT format_bytes(SUM(evt.rawarg.res)) AS bytes, proc.name AS process, proc.pid AS pid
FROM events
WHERE fd.type IN ('ipv4', 'ipv6') AND evt.is_io AND evt.rawarg.res > 0 AND proc.name IS NOT NULL
  AND proc.pid IS NOT NULL
GROUP BY proc.name, proc.pid
ORDER BY SUM(evt.rawarg.res) DESC
LIMIT 100;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       format_bytes(SUM(evt.rawarg.res)) AS bytes, proc.name AS process, proc.pid AS pid
FROM events
WHERE fd.type IN ('ipv4', 'ipv6') AND evt.is_io AND evt.rawarg.res > 0 AND proc.name IS NOT NULL
  AND proc.pid IS NOT NULL
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name, proc.pid
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(evt.rawarg.res) DESC
LIMIT 100;
