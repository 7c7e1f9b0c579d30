-- topprocs_cpu: Top processes by CPU usage
-- category: CPU Usage
-- test:
-- compare: top 10
--
-- The processes using the most CPU: the CPU their threads used (thread.cpu of the procinfo events, percent of
-- one CPU over about a second, as 10 ms each) over the time covered, as sysdig's "timepct": the sum as time
-- divided by the capture's span (its first to its last event; 0.00% if they are at the same time), per process
-- name and pid, top 10. Live it prints every second, over that second: the sum of the percentages. As sysdig's
-- topprocs_cpu without -pc.

WITH span AS (SELECT MAX(evt.rawtime) - MIN(evt.rawtime) AS delta FROM events)
SELECT CASE WHEN span.delta > 0
            THEN format_percent(CAST(SUM(thread.cpu) AS DOUBLE) * 10000000 / span.delta * 100)
            ELSE '0.00%' END AS cpu,
       proc.name AS process, proc.pid AS pid
FROM events, span
WHERE evt.type = 'procinfo' AND proc.name IS NOT NULL AND proc.pid IS NOT NULL
GROUP BY proc.name, proc.pid, span.delta
ORDER BY SUM(thread.cpu) DESC
LIMIT 10;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       format_percent(CAST(SUM(thread.cpu) AS DOUBLE)) AS cpu, proc.name AS process, proc.pid AS pid
FROM events
WHERE evt.type = 'procinfo' AND proc.name IS NOT NULL AND proc.pid IS NOT NULL
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name, proc.pid
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(thread.cpu) DESC
LIMIT 10;
