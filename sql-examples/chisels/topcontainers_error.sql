-- topcontainers_error: Top containers by number of errors
-- category: Errors
-- test:
-- compare: top 100
--
-- The containers whose system calls fail the most: failed events per container (the host's own left out), top
-- 100. As sysdig's topcontainers_error: over a capture file once, live every second.

SELECT COUNT(*) AS errors, container.name AS container
FROM events
WHERE evt.failed AND container.name <> 'host'
GROUP BY container.name
ORDER BY COUNT(*) DESC
LIMIT 100;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       COUNT(*) AS errors, container.name AS container
FROM events
WHERE evt.failed AND container.name <> 'host'
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), container.name
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), COUNT(*) DESC
LIMIT 100;
