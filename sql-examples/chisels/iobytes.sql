-- iobytes: Sum of I/O bytes on any type of FD
-- category: I/O
-- test:
-- compare: rows
--
-- Bytes read (in), written (out) and both (tot) by the I/O calls on any file descriptor (their positive return
-- values), every second. As sysdig's iobytes: a line each time an event's second differs from the previous
-- event's (in the capture's order, so an event stamped earlier starts a line too), with that event's time and
-- the totals of the events before it since the previous line; the last second, never closed, is not printed.
-- Live: the totals of each second that had I/O, at its end.

WITH marked AS (
  SELECT evt.num AS num, evt.time.s AS ts, evt.is_io AND evt.rawarg.res > 0 AS counted,
         evt.is_io_read AS is_read, evt.rawarg.res AS res,
         CASE WHEN evt.rawtime.s <> LAG(evt.rawtime.s) OVER (ORDER BY evt.num) THEN 1 ELSE 0 END AS starts
  FROM events),
numbered AS (
  SELECT num, ts, counted, is_read, res, starts,
         SUM(starts) OVER (ORDER BY num ROWS UNBOUNDED PRECEDING) AS interval_no
  FROM marked),
totals AS (
  SELECT interval_no, SUM(CASE WHEN is_read THEN res ELSE 0 END) AS bytes_in,
         SUM(CASE WHEN is_read THEN 0 ELSE res END) AS bytes_out, SUM(res) AS bytes
  FROM numbered
  WHERE counted
  GROUP BY interval_no)
SELECT n.ts AS "time",
       'in:' || CAST(COALESCE(t.bytes_in, 0) AS VARCHAR) AS "in",
       'out:' || CAST(COALESCE(t.bytes_out, 0) AS VARCHAR) AS "out",
       'tot:' || CAST(COALESCE(t.bytes, 0) AS VARCHAR) AS tot
FROM numbered n LEFT JOIN totals t ON t.interval_no = n.interval_no - 1
WHERE n.starts = 1
ORDER BY n.num;

SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS "time",
       'in:' || CAST(SUM(CASE WHEN evt.is_io_read THEN evt.rawarg.res ELSE 0 END) AS VARCHAR) AS "in",
       'out:' || CAST(SUM(CASE WHEN evt.is_io_read THEN 0 ELSE evt.rawarg.res END) AS VARCHAR) AS "out",
       'tot:' || CAST(SUM(evt.rawarg.res) AS VARCHAR) AS tot
FROM events
WHERE evt.is_io AND evt.rawarg.res > 0
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND);
