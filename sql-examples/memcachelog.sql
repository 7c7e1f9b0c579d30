-- memcachelog: sysdig's memcachelog chisel ("memcached requests log") as SQL: every get and set request
-- memcached serves, with its time, method, size and key.
--
--   sysql --snaplen 4096                                  then paste a statement (or !run this file)
--   sysql query --snaplen 4096 -f sql-examples/memcachelog.sql
--
-- The first statement reads the history (the last 60 s by default), the second streams until Ctrl-C.
-- The chisel sets snaplen 4096 and so does the command above: the buffer text (evt.arg[1]) then shows up to
-- 4096 characters, every byte captured, as the chisel sees it.
--
-- What is taken from the chisel, and what is not:
--
-- * Which events. The chisel filters (fd.sport=11211 or proc.name=memcached) and evt.is_io=true. Here it is
--   memcached's own I/O only, by thread name: proc.name IN ('memcached', 'mc-worker'). memcached names its
--   worker threads mc-worker, and they do the reads and writes: a memcached already running when the
--   capture starts has its workers under that name, one started later has them under memcached (sysql
--   does not see the rename), so both names are listed. The port half is left out: it also matches the
--   clients' end of each connection, so a request from a local client is logged twice (the client's write
--   and memcached's read), and it only works on port 11211. To log a client host's requests to a memcached
--   elsewhere, put fd.sport = 11211 in place of the proc.name condition: the rest works from that side too.
--   Only exit events that moved data are kept (evt.dir = '<' AND evt.rawres > 0): an enter event's second
--   argument is a size, never a request, and the chisel drops those by its get/set test anyway.
--
-- * How a request is read: as the chisel does, from evt.arg[1] (the data as text, non-printable bytes as
--   dots, so the CRLF that ends a line shows as '..'), split into words at spaces; the method is the first
--   word when it starts with get or set (get, gets, set), the key the second.
--
-- * What differs, on purpose: the chisel prints size=0B for every request (Lua's tonumber of the set's
--   fifth word '5..hello..' is nil, and a get has no fifth word) and leaves the CRLF on a get's key
--   ('alpha..'); so does sysdig 0.29.3 running it (its port set to memcached's) on a sysql capture of
--   memcached and a local client, which also shows each request twice. Here the request is its first line
--   (the text before the first '..'), a set's size is its bytes word ('set <key> <flags> <exptime>
--   <bytes>'), and a get's size is the bytes word of memcached's reply 'VALUE <key> <flags> <bytes>' for
--   that key (the next data memcached wrote on that connection), 0 when it missed. The chisel's arguments
--   (a method; a minimum size, for sets) are a WHERE on the last SELECT: WHERE cmd = 'set' AND size >= 1000.
--
-- Limits of the buffer text, as in sysdig: a key with '..' in it, or ending in '.', is cut at the first
-- '..'; the first line is read from the first 80 characters of the data; a read holding several requests
-- (a client that pipelines) shows only the first.


-- 1. The log: one row per get/set request memcached read, oldest first.
WITH io AS (
  -- memcached's reads and writes that moved data, each with the next one on the same connection: for the
  -- read of a request, memcached's reply. (fd.name, the connection's addresses, stands for the connection.)
  SELECT evt.num AS num, evt.datetime AS at_time, evt.arg[1] AS data,
         LEAD(evt.arg[1]) OVER (PARTITION BY fd.name ORDER BY evt.num) AS reply
  FROM events
  WHERE proc.name IN ('memcached', 'mc-worker') AND evt.is_io AND evt.dir = '<' AND evt.rawres > 0
),
lines AS (
  -- the first line of the request and of the reply, each then followed by a space
  SELECT num, at_time,
         SUBSTRING(data || '..' FROM 1 FOR POSITION('..' IN data || '..') - 1) || ' ' AS req,
         SUBSTRING(COALESCE(reply, '') || '..' FROM 1 FOR POSITION('..' IN COALESCE(reply, '') || '..') - 1)
           || ' ' AS rep
  FROM io
),
-- Words, one step at a time: each step takes the first word of req and of rep and keeps the rest (with a
-- space at its end, so the next step finds one even when no word is left).
word1 AS (
  SELECT num, at_time,
         SUBSTRING(req FROM 1 FOR POSITION(' ' IN req) - 1) AS cmd,
         SUBSTRING(rep FROM 1 FOR POSITION(' ' IN rep) - 1) AS rep_word,
         SUBSTRING(req FROM POSITION(' ' IN req) + 1) || ' ' AS req,
         SUBSTRING(rep FROM POSITION(' ' IN rep) + 1) || ' ' AS rep
  FROM lines
),
word2 AS (
  SELECT num, at_time, cmd, rep_word,
         SUBSTRING(req FROM 1 FOR POSITION(' ' IN req) - 1) AS key,
         SUBSTRING(rep FROM 1 FOR POSITION(' ' IN rep) - 1) AS rep_key,
         SUBSTRING(req FROM POSITION(' ' IN req) + 1) || ' ' AS req,
         SUBSTRING(rep FROM POSITION(' ' IN rep) + 1) || ' ' AS rep
  FROM word1
  WHERE cmd LIKE 'get%' OR cmd LIKE 'set%'
),
word3 AS (  -- past the flags
  SELECT num, at_time, cmd, key, rep_word, rep_key,
         SUBSTRING(req FROM POSITION(' ' IN req) + 1) || ' ' AS req,
         SUBSTRING(rep FROM POSITION(' ' IN rep) + 1) || ' ' AS rep
  FROM word2
  WHERE key <> ''
),
word4 AS (  -- past a set's exptime; the reply's bytes
  SELECT num, at_time, cmd, key, rep_word, rep_key,
         SUBSTRING(req FROM POSITION(' ' IN req) + 1) || ' ' AS req,
         SUBSTRING(rep FROM 1 FOR POSITION(' ' IN rep) - 1) AS rep_bytes
  FROM word3
),
sized AS (
  SELECT num, at_time, cmd, key,
         CASE WHEN cmd LIKE 'set%' THEN SUBSTRING(req FROM 1 FOR POSITION(' ' IN req) - 1)
              WHEN rep_word = 'VALUE' AND rep_key = key THEN rep_bytes
         END AS bytes
  FROM word4
),
requests AS (
  SELECT num, at_time, cmd, key, CASE WHEN bytes SIMILAR TO '[0-9]+' THEN CAST(bytes AS BIGINT) ELSE 0 END AS size
  FROM sized
)
SELECT at_time AS "evt.datetime", cmd AS "method", size, key
FROM requests
ORDER BY num;


-- 2. Live: the requests per method and key, every second, from now on (until Ctrl-C). The same reading of
-- the request, without the reply (the size needs the next event, which a stream does not have yet).
SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS window_end, cmd AS "method", key,
       COUNT(*) AS requests
FROM (
  SELECT evt.time, cmd, SUBSTRING(req FROM 1 FOR POSITION(' ' IN req) - 1) AS key
  FROM (
    SELECT evt.time,
           SUBSTRING(req FROM 1 FOR POSITION(' ' IN req) - 1) AS cmd,
           SUBSTRING(req FROM POSITION(' ' IN req) + 1) || ' ' AS req
    FROM (
      SELECT evt.time,
             SUBSTRING(evt.arg[1] || '..' FROM 1 FOR POSITION('..' IN evt.arg[1] || '..') - 1) || ' ' AS req
      FROM events
      WHERE proc.name IN ('memcached', 'mc-worker') AND evt.is_io AND evt.dir = '<' AND evt.rawres > 0
    )
  )
  WHERE cmd LIKE 'get%' OR cmd LIKE 'set%'
)
WHERE key <> ''
GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), cmd, key;
