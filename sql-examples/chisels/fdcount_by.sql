-- fdcount_by: FD count, aggregated by an arbitrary filter field
-- category: I/O
-- arg: key field: the field to group by, e.g. proc.name, fd.type, fd.sip
-- test: proc.name
-- test: fd.type
-- compare: set
--
-- The file descriptors in use per key: how many different descriptors (number and name) the events of each key
-- used, descriptors 0 and unnamed ones left out, as sysdig's fdcount_by counts them. All keys, most first.

SELECT ${key} AS "key", COUNT(DISTINCT CAST(fd.num AS VARCHAR) || fd.name) AS fds
FROM events
WHERE ${key} IS NOT NULL AND fd.num > 0 AND fd.name <> ''
GROUP BY ${key}
ORDER BY fds DESC;
