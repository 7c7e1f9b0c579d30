-- topprocs_file: Top processes by R+W disk bytes
-- category: I/O
-- test:
-- compare: top 10
--
-- The processes that read and write files the most: bytes of the I/O calls on files (the sum of their positive
-- return values) per process name and pid, top 10. As sysdig's topprocs_file (without -pc): over a capture file
-- once, live every second.

SELECT format_bytes(SUM(evt.rawarg.res)) AS bytes, proc.name AS process, proc.pid AS pid
FROM events
WHERE fd.type = 'file' AND evt.is_io AND evt.rawarg.res > 0 AND proc.name IS NOT NULL
  AND proc.pid IS NOT NULL
GROUP BY proc.name, proc.pid
ORDER BY SUM(evt.rawarg.res) DESC
LIMIT 10;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       format_bytes(SUM(evt.rawarg.res)) AS bytes, proc.name AS process, proc.pid AS pid
FROM events
WHERE fd.type = 'file' AND evt.is_io AND evt.rawarg.res > 0 AND proc.name IS NOT NULL
  AND proc.pid IS NOT NULL
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name, proc.pid
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(evt.rawarg.res) DESC
LIMIT 10;
