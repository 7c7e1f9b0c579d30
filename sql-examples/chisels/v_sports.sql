-- v_sports: Server Ports: the network traffic per server port
-- category: csysdig views
-- oracle: csysdig -v sports
-- not-compared: a csysdig view, not a sysdig chisel: CsysdigViewsTest compares it with csysdig -v sports
--
-- csysdig's "Server Ports" view (v_sports.lua): per server port (fd.sport) of inet sockets with a name, the
-- bytes per second read and written (evt.buflen of reads and writes over the capture's span, from its first to
-- its last event) and the number of calls, sorted by bytes in. csysdig counts a write by the event table's
-- category (I/O write), which sendfile has although its flags make it no I/O (evt.is_io_write is false for it,
-- in sysdig too): sendfile is named here for that reason.

WITH span AS (
    SELECT (MAX(evt.rawtime) - MIN(evt.rawtime)) / 1e9 AS secs FROM events WHERE evt.rawtime > 0)
SELECT e.sport,
       csysdig_number(SUM(e.bytes_in), MAX(span.secs)) AS bps_in,
       csysdig_number(SUM(e.bytes_out), MAX(span.secs)) AS bps_out,
       csysdig_number(COUNT(*), 1) AS io_calls
FROM (SELECT fd.sport AS sport,
             CASE WHEN evt.is_io_read THEN COALESCE(evt.buflen, 0) ELSE 0 END AS bytes_in,
             CASE WHEN evt.is_io_write OR evt.type = 'sendfile' THEN COALESCE(evt.buflen, 0) ELSE 0 END AS bytes_out
      FROM events
      WHERE fd.type IN ('ipv4', 'ipv6') AND fd.name <> '' AND fd.sport IS NOT NULL) AS e
CROSS JOIN span
GROUP BY e.sport
ORDER BY SUM(e.bytes_in) DESC;
