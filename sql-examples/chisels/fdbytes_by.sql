-- fdbytes_by: I/O bytes, aggregated by an arbitrary filter field
-- category: I/O
-- arg: field field: the field to group by, e.g. proc.name, fd.name, fd.type, fd.directory
-- test: proc.name
-- test: fd.type
-- compare: top 30
--
-- Bytes read and written by successful I/O on any file descriptor, grouped by a field, top 30.

SELECT format_bytes(SUM(evt.rawarg.res)) AS bytes, ${field} AS "key"
FROM events
WHERE evt.is_io AND NOT evt.failed AND evt.rawarg.res > 0 AND ${field} IS NOT NULL
GROUP BY ${field}
ORDER BY SUM(evt.rawarg.res) DESC
LIMIT 30;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       format_bytes(SUM(evt.rawarg.res)) AS bytes, ${field} AS "key"
FROM events
WHERE evt.is_io AND NOT evt.failed AND evt.rawarg.res > 0 AND ${field} IS NOT NULL
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), ${field}
ORDER BY TUMBLE_END(evt.time, INTERVAL '1' SECOND), SUM(evt.rawarg.res) DESC
LIMIT 30;
