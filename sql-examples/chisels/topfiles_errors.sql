-- topfiles_errors: Top files by number of errors
-- category: Errors
-- test:
-- compare: top 100
--
-- The files whose calls fail the most: failed events on file descriptors of type file, per file name, top 100.
-- As sysdig's topfiles_errors (without -pc): over a capture file once, live every second. (None of the test
-- captures has a failed call on a file descriptor of type file: both print an empty table there.)

SELECT COUNT(*) AS errors, fd.name AS filename
FROM events
WHERE fd.type = 'file' AND evt.failed AND fd.name IS NOT NULL
GROUP BY fd.name
ORDER BY COUNT(*) DESC
LIMIT 100;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       COUNT(*) AS errors, fd.name AS filename
FROM events
WHERE fd.type = 'file' AND evt.failed AND fd.name IS NOT NULL
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), fd.name
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), COUNT(*) DESC
LIMIT 100;
