-- memcachelog: memcached requests log
-- category: Application
-- arg: method string = any: only this command (get, gets, set...); any: every get and set
-- arg: size number = 0: with method set, only the sets whose size is at least this
-- arg: port number = 11211: memcached's port (sysdig's chisel has 11211 fixed; this third argument is sysql's)
-- test:
-- compare: rows
-- stream: history
--
-- Every memcached get and set, as sysdig's chisel reads them: the I/O on memcached's port or by a process named
-- memcached whose data (evt.arg[1]: the buffer text, CRLF shown as '..') starts with get or set: its time,
-- method (the first word), size (the fifth word when it is a number, else 0) and key (the second word).
-- Faithful to the chisel, oddities included: a request from a local client shows twice (the client's write
-- and memcached's read, both on the port); a set's size is mostly 0 ('set k 0 0 5..hello' has '5..hello' for
-- fifth word; only 'set k 0 0 5 noreply' gives 5); a get's key keeps its CRLF ('k..'); memcached's worker
-- threads, named mc-worker when they exist before the capture, match only by the port. sysdig's chisel
-- fails on 'memcachelog set' without a size (Lua compares with nil); here the size defaults to 0.

SELECT dt AS "evt.datetime", 'method=' || word1 AS "method", 'size=' || size || 'B' AS size,
       'key=' || word2 AS key
FROM (
  SELECT evt.num AS num, evt.datetime AS dt, split_part(evt.arg[1], ' ', 1) AS word1,
         split_part(evt.arg[1], ' ', 2) AS word2,
         CASE WHEN split_part(evt.arg[1], ' ', 5) SIMILAR TO '[0-9]+'
              THEN CAST(split_part(evt.arg[1], ' ', 5) AS BIGINT) ELSE 0 END AS size
  FROM events
  WHERE (fd.sport = ${port} OR proc.name = 'memcached') AND evt.is_io
    AND (evt.arg[1] LIKE 'get% %' OR evt.arg[1] LIKE 'set% %')
)
WHERE ${method} IN ('any', word1) AND (${method} <> 'set' OR size >= ${size})
ORDER BY num;
