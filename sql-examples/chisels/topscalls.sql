-- topscalls: Top system calls by number of calls
-- category: Performance
-- test:
-- compare: top 30
--
-- The system calls made most often: events per type (enter and exit each count, as in sysdig), top 30.

SELECT COUNT(*) AS calls, evt.type AS syscall
FROM events
WHERE evt.type <> 'switch'
GROUP BY evt.type
ORDER BY COUNT(*) DESC
LIMIT 30;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time", COUNT(*) AS calls, evt.type AS syscall
FROM events
WHERE evt.type <> 'switch'
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), evt.type
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), COUNT(*) DESC
LIMIT 30;
