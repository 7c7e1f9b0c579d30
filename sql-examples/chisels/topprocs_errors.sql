-- topprocs_errors: top processes by number of errors
-- category: Errors
-- test:
-- compare: top 100
--
-- The processes whose system calls fail the most: failed events per process name and pid, top 100. As sysdig's
-- topprocs_errors (without -pc): over a capture file once, live every second.

SELECT COUNT(*) AS errors, proc.name AS process, proc.pid AS pid
FROM events
WHERE evt.failed AND proc.name IS NOT NULL AND proc.pid IS NOT NULL
GROUP BY proc.name, proc.pid
ORDER BY COUNT(*) DESC
LIMIT 100;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       COUNT(*) AS errors, proc.name AS process, proc.pid AS pid
FROM events
WHERE evt.failed AND proc.name IS NOT NULL AND proc.pid IS NOT NULL
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name, proc.pid
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), COUNT(*) DESC
LIMIT 100;
