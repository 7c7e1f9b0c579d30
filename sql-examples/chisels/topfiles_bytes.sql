-- topfiles_bytes: Top files by R+W bytes
-- category: I/O
-- test:
-- compare: top 10
--
-- The files read and written the most: bytes moved by reads and writes on file descriptors of type file (the
-- sum of their return values), top 10. As sysdig's topfiles_bytes: over a capture file once, live every second.

SELECT format_bytes(SUM(evt.rawarg.res)) AS bytes, fd.name AS filename
FROM events
WHERE fd.type = 'file' AND evt.is_io AND evt.rawarg.res > 0
GROUP BY fd.name
ORDER BY SUM(evt.rawarg.res) DESC
LIMIT 10;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       format_bytes(SUM(evt.rawarg.res)) AS bytes, fd.name AS filename
FROM events
WHERE fd.type = 'file' AND evt.is_io AND evt.rawarg.res > 0
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), fd.name
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(evt.rawarg.res) DESC
LIMIT 10;
