-- bottlenecks: Slowest system calls
-- category: Performance
-- test:
-- compare: rows
--
-- The 10 system calls that took the longest to return (latency, enter to exit; the earlier first on a tie),
-- slowest first, each as two lines as sysdig's bottlenecks prints them: the last event with no latency of the
-- same thread before it (its enter event; 'nil' if there is none), then the exit event with its latency in
-- seconds. Context switches are left out.

WITH calls AS (
  SELECT evt.num AS num, evt.latency AS latency,
         MAX(CASE WHEN evt.latency = 0 THEN evt.num END) OVER (PARTITION BY thread.tid ORDER BY evt.num
                                                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
           AS enter_num
  FROM events
  WHERE evt.type <> 'switch' AND evt.latency IS NOT NULL),
slowest AS (
  SELECT num, enter_num, ROW_NUMBER() OVER (ORDER BY latency DESC, num) AS rnk
  FROM calls WHERE latency > 0
  ORDER BY latency DESC, num
  LIMIT 10),
wanted AS (
  SELECT s.rnk, k.k, CASE WHEN k.k = 0 THEN s.enter_num ELSE s.num END AS num
  FROM slowest s CROSS JOIN (VALUES 0, 1) AS k(k)),
lines AS (
  SELECT evt.num AS num, CAST(evt.num AS VARCHAR) || ')' AS "evt.num",
         CAST(evt.latency / 1000000000 AS VARCHAR) || '.'
           || LPAD(CAST(MOD(evt.latency, 1000000000) AS VARCHAR), 9, '0') AS latency,
         COALESCE(proc.name, '') AS process, '(' || CAST(thread.tid AS VARCHAR) || ')' AS tid,
         CASE WHEN evt.latency = 0 THEN '>' ELSE '<' END AS dir, evt.type AS syscall, evt.args AS args
  FROM events)
SELECT COALESCE(l."evt.num", 'nil') AS "evt.num", l.latency, l.process, l.tid, l.dir, l.syscall, l.args
FROM wanted w LEFT JOIN lines l ON l.num = w.num
ORDER BY w.rnk, w.k;
