-- httplog: HTTP requests log
-- category: Application
-- snaplen: 1024
-- stream: history
-- test:
-- compare: rows
--
-- Every HTTP transaction: the time of its response, > for a request this host wrote (a client) or < for one it
-- read (a server), method, url (Host header and path), response code, latency (response minus request, in
-- whole ms) and size (Content-Length, 0 when absent). As sysdig's chisel: per process and fd, a request
-- (data starting with 'METHOD url') opens a transaction and the next data holding 'HTTP/x NNN' closes it;
-- requests while one is open are ignored. Headers are read from the buffer text, CRLF shown as '..'.
-- One difference: the chisel also takes, as a response, a request whose Host header starts with digits
-- ('GET / HTTP/1.1..Host: 10.0.0.1' holds 'HTTP/1.1..Host: 10'); here a request is never a response.
-- The pairing is window functions (OVER) in the order the events come (the first row of a turn is its first
-- request), so the live form is the same query as a stream.

SELECT dt AS "evt.datetime", dir, 'method=' || verb AS "method", 'url=' || COALESCE(host, '') || url AS url,
       'response_code=' || CAST(code AS INTEGER) AS response_code,
       'latency=' || ((t - t0) / 1000000) || 'ms' AS latency,
       'size=' || COALESCE(CAST(len AS BIGINT), 0) || 'B' AS size
FROM (
  -- the response, with the first request since the previous response on its process and fd
  SELECT num, dt, t, code, len, FIRST_VALUE(verb) OVER w AS verb, FIRST_VALUE(url) OVER w AS url,
         FIRST_VALUE(host) OVER w AS host, FIRST_VALUE(dir) OVER w AS dir, FIRST_VALUE(t) OVER w AS t0
  FROM (
    SELECT m.*, COUNT(code) OVER (PARTITION BY pid, fd ORDER BY num
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS turn
    FROM (
      SELECT evt.num AS num, evt.rawtime AS t, evt.datetime AS dt, proc.pid AS pid, fd.num AS fd,
             CASE evt.io_dir WHEN 'read' THEN '<' WHEN 'write' THEN '>' ELSE '<NA>' END AS dir,
             REGEXP_EXTRACT(evt.buffer, '^([A-Z]+) \p{Graph}') AS verb,
             REGEXP_EXTRACT(evt.buffer, '^[A-Z]+ (\p{Graph}+)') AS url,
             REGEXP_EXTRACT(evt.buffer, 'Host: (\p{Graph}+)\.\.') AS host,
             CASE WHEN NOT REGEXP_LIKE(evt.buffer, '^[A-Z]+ \p{Graph}')
                  THEN REGEXP_EXTRACT(evt.buffer, 'HTTP/\p{Graph}+ ([0-9]+)') END AS code,
             REGEXP_EXTRACT(evt.buffer, 'Content-Length: ([0-9]+)\.\.') AS len
      FROM events
      WHERE evt.is_io AND evt.buflen > 0 AND fd.sockfamily IN ('ip', 'unix')
    ) m
    WHERE verb IS NOT NULL OR code IS NOT NULL
  )
  WINDOW w AS (PARTITION BY pid, fd, turn ORDER BY num ROWS UNBOUNDED PRECEDING)
)
WHERE code IS NOT NULL AND verb IS NOT NULL
ORDER BY num;
