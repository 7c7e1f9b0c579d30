-- v_io_by_type: I/O by Type: the I/O per descriptor type (files, sockets, pipes...)
-- category: csysdig views
-- not-compared: csysdig -v io_by_type counts its own per-thread events in the row without a descriptor
--
-- csysdig's "I/O by Type" view (v_io_by_type.lua): per descriptor type (fd.type; events without a descriptor
-- form the row with an empty type, as in csysdig), the bytes per second read and written, the events per
-- second (over the capture's span, from its first to its last event) and the time spent (evt.latency), sorted
-- by events per second. Checked by hand against csysdig -v io_by_type --raw on the 11 captures: the rows with a
-- descriptor type agree except sendfile's bytes (csysdig counts them as written to the socket: sysql's
-- evt.is_io_write is false for sendfile); the row without one has in csysdig one more event per thread it knows
-- (its process_proctable events), so it is not compared automatically.

WITH span AS (
    SELECT (MAX(evt.rawtime) - MIN(evt.rawtime)) / 1e9 AS secs FROM events WHERE evt.rawtime > 0)
SELECT csysdig_number(SUM(e.bytes_in), MAX(span.secs)) AS bps_in,
       csysdig_number(SUM(e.bytes_out), MAX(span.secs)) AS bps_out,
       csysdig_number(COUNT(*), MAX(span.secs)) AS iops,
       csysdig_time(SUM(e.latency), 1) AS "time",
       e.io_type
FROM (SELECT COALESCE(fd.type, '') AS io_type,
             CASE WHEN evt.is_io_read THEN COALESCE(evt.buflen, 0) ELSE 0 END AS bytes_in,
             CASE WHEN evt.is_io_write THEN COALESCE(evt.buflen, 0) ELSE 0 END AS bytes_out,
             COALESCE(evt.latency, 0) AS latency
      FROM events) AS e
CROSS JOIN span
GROUP BY e.io_type
ORDER BY COUNT(*) DESC;
