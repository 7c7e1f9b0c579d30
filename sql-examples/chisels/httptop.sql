-- httptop: Top HTTP requests
-- category: Application
-- snaplen: 1024
-- arg: by string = ncalls: ncalls (transactions), bytes (sum of Content-Length) or time (average latency)
-- test:
-- test: time
-- test: bytes
-- compare: top 30
--
-- The HTTP requests (method and url) by number of transactions, bytes (Content-Length of the responses) or
-- average latency, top 30. The transactions are httplog's: see chisels/httplog.sql for how a request is paired
-- with its response, and where that differs from sysdig's chisel. Live (statement 2): every second, that
-- second's top 30 (the transactions whose response came in it), as sysdig prints it; a second is printed once
-- a later transaction has come (the transactions' own times close the windows).

SELECT CASE ${by} WHEN 'ncalls' THEN CAST(COUNT(*) AS VARCHAR) WHEN 'bytes' THEN format_bytes(SUM(len))
                  ELSE format_duration(AVG(latency)) END AS "value",
       SUBSTRING(verb FROM 1 FOR 19) AS "method", url
FROM (
  SELECT FIRST_VALUE(verb) OVER w AS verb, COALESCE(FIRST_VALUE(host) OVER w, '') || FIRST_VALUE(url) OVER w AS url,
         COALESCE(CAST(len AS BIGINT), 0) AS len, t - FIRST_VALUE(t) OVER w AS latency, code
  FROM (
    SELECT m.*, COUNT(code) OVER (PARTITION BY pid, fd ORDER BY num
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS turn
    FROM (
      SELECT evt.num AS num, evt.rawtime AS t, proc.pid AS pid, fd.num AS fd,
             REGEXP_EXTRACT(evt.buffer, '^([A-Z]+) \p{Graph}') AS verb,
             REGEXP_EXTRACT(evt.buffer, '^[A-Z]+ (\p{Graph}+)') AS url,
             REGEXP_EXTRACT(evt.buffer, 'Host: (\p{Graph}+)\.\.') AS host,
             CASE WHEN NOT REGEXP_LIKE(evt.buffer, '^[A-Z]+ \p{Graph}')
                  THEN REGEXP_EXTRACT(evt.buffer, 'HTTP/\p{Graph}+ ([0-9]+)') END AS code,
             REGEXP_EXTRACT(evt.buffer, 'Content-Length: ([0-9]+)\.\.') AS len
      FROM events
      WHERE evt.is_io AND evt.buflen > 0 AND fd.sockfamily IN ('ip', 'unix') AND ${by} IN ('ncalls', 'bytes', 'time')
    ) m
    WHERE verb IS NOT NULL OR code IS NOT NULL
  )
  WINDOW w AS (PARTITION BY pid, fd, turn ORDER BY num ROWS UNBOUNDED PRECEDING)
)
WHERE code IS NOT NULL AND verb IS NOT NULL
GROUP BY verb, url
ORDER BY CASE ${by} WHEN 'ncalls' THEN COUNT(*) WHEN 'bytes' THEN SUM(len) ELSE AVG(latency) END DESC
LIMIT 30;

SELECT STREAM TUMBLE_END(et, INTERVAL '1' SECOND) AS "time",
       CASE ${by} WHEN 'ncalls' THEN CAST(COUNT(*) AS VARCHAR) WHEN 'bytes' THEN format_bytes(SUM(len))
                  ELSE format_duration(AVG(latency)) END AS "value",
       SUBSTRING(verb FROM 1 FOR 19) AS "method", url
FROM (
  SELECT FIRST_VALUE(verb) OVER w AS verb, COALESCE(FIRST_VALUE(host) OVER w, '') || FIRST_VALUE(url) OVER w AS url,
         COALESCE(CAST(len AS BIGINT), 0) AS len, t - FIRST_VALUE(t) OVER w AS latency, code, et
  FROM (
    SELECT m.*, COUNT(code) OVER (PARTITION BY pid, fd ORDER BY num
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS turn
    FROM (
      SELECT evt.num AS num, evt.rawtime AS t, evt.time AS et, proc.pid AS pid, fd.num AS fd,
             REGEXP_EXTRACT(evt.buffer, '^([A-Z]+) \p{Graph}') AS verb,
             REGEXP_EXTRACT(evt.buffer, '^[A-Z]+ (\p{Graph}+)') AS url,
             REGEXP_EXTRACT(evt.buffer, 'Host: (\p{Graph}+)\.\.') AS host,
             CASE WHEN NOT REGEXP_LIKE(evt.buffer, '^[A-Z]+ \p{Graph}')
                  THEN REGEXP_EXTRACT(evt.buffer, 'HTTP/\p{Graph}+ ([0-9]+)') END AS code,
             REGEXP_EXTRACT(evt.buffer, 'Content-Length: ([0-9]+)\.\.') AS len
      FROM events
      WHERE evt.is_io AND evt.buflen > 0 AND fd.sockfamily IN ('ip', 'unix') AND ${by} IN ('ncalls', 'bytes', 'time')
    ) m
    WHERE verb IS NOT NULL OR code IS NOT NULL
  )
  WINDOW w AS (PARTITION BY pid, fd, turn ORDER BY num ROWS UNBOUNDED PRECEDING)
)
WHERE code IS NOT NULL AND verb IS NOT NULL
GROUP BY TUMBLE(et, INTERVAL '1' SECOND), verb, url
ORDER BY TUMBLE_END(et, INTERVAL '1' SECOND), CASE ${by} WHEN 'ncalls' THEN COUNT(*) WHEN 'bytes' THEN SUM(len) ELSE AVG(latency) END DESC
LIMIT 30;
