-- topscalls_time: Top system calls by time
-- category: Performance
-- test:
-- compare: top 30
--
-- The system calls where the time goes: their latency (enter to exit) summed per call type, top 30. As sysdig's
-- topscalls_time (without -pc): over a capture file once, live every second.

SELECT format_duration(SUM(evt.latency)) AS "time", evt.type AS syscall
FROM events
WHERE evt.latency > 0
GROUP BY evt.type
ORDER BY SUM(evt.latency) DESC
LIMIT 30;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       format_duration(SUM(evt.latency)) AS latency, evt.type AS syscall
FROM events
WHERE evt.latency > 0
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), evt.type
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(evt.latency) DESC
LIMIT 30;
