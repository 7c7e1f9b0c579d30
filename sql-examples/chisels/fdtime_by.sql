-- fdtime_by: FD time group by
-- category: I/O
-- arg: key field: the field to group by, e.g. proc.name, fd.name, fd.type
-- test: proc.name
-- test: fd.type
-- compare: top 10
--
-- Where I/O time goes: the latency of the I/O calls on any file descriptor (time from enter to exit), summed
-- per key, top 10. As sysdig's fdtime_by: over a capture file once, live every second.

SELECT format_duration(SUM(evt.latency)) AS "time", ${key} AS "key"
FROM events
WHERE evt.is_io AND evt.latency > 0 AND ${key} IS NOT NULL
GROUP BY ${key}
ORDER BY SUM(evt.latency) DESC
LIMIT 10;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       format_duration(SUM(evt.latency)) AS latency, ${key} AS "key"
FROM events
WHERE evt.is_io AND evt.latency > 0 AND ${key} IS NOT NULL
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), ${key}
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(evt.latency) DESC
LIMIT 10;
