-- topcontainers_file: Top containers by R+W disk bytes
-- category: I/O
-- test:
-- compare: top 10
--
-- The containers that read and write files the most: bytes of the I/O calls on files (the sum of their positive
-- return values) per container (the host's own left out), top 10. As sysdig's topcontainers_file: over a
-- capture file once, live every second.

SELECT format_bytes(SUM(evt.rawarg.res)) AS bytes, container.name AS container
FROM events
WHERE fd.type = 'file' AND evt.is_io AND evt.rawarg.res > 0 AND container.name <> 'host'
GROUP BY container.name
ORDER BY SUM(evt.rawarg.res) DESC
LIMIT 10;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       format_bytes(SUM(evt.rawarg.res)) AS bytes, container.name AS container
FROM events
WHERE fd.type = 'file' AND evt.is_io AND evt.rawarg.res > 0 AND container.name <> 'host'
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), container.name
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(evt.rawarg.res) DESC
LIMIT 10;
