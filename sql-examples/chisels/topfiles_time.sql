-- topfiles_time: Top files by time
-- category: I/O
-- test:
-- compare: top 10
--
-- The files where I/O time goes: the latency of the I/O calls on files (enter to exit) summed per file name, top
-- 10. As sysdig's topfiles_time (without -pc): over a capture file once, live every second.

SELECT format_duration(SUM(evt.latency)) AS "time", fd.name AS filename
FROM events
WHERE fd.type = 'file' AND evt.is_io AND evt.latency > 0 AND fd.name IS NOT NULL
GROUP BY fd.name
ORDER BY SUM(evt.latency) DESC
LIMIT 10;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       format_duration(SUM(evt.latency)) AS latency, fd.name AS filename
FROM events
WHERE fd.type = 'file' AND evt.is_io AND evt.latency > 0 AND fd.name IS NOT NULL
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), fd.name
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(evt.latency) DESC
LIMIT 10;
