-- scallslower: Trace slow syscalls
-- category: Performance
-- arg: min_ms number: the least latency shown, in milliseconds
-- test: 0 => 0 disable_color
-- test: 1 => 1 disable_color
-- compare: rows skip 2
-- stream: history
--
-- System calls slower than MIN_MS milliseconds, as sysdig's scallslower prints them: the time to the
-- millisecond, the process name (cut at 23 characters), the latency in milliseconds as Lua prints a number
-- (%.14g: 0.000415, 16.11683, 9.5e-05 below 0.0001) and the system call. sysdig's chisel colours its lines
-- (green on the host, blue in a container) unless given disable_color; this prints none (the test runs sysdig
-- with disable_color).

SELECT SUBSTRING(evt.datetime FROM 1 FOR 23) AS "datetime",
       SUBSTRING(COALESCE(proc.name, '<NA>') FROM 1 FOR 23) AS process,
       CASE WHEN evt.latency < 10 THEN CAST(evt.latency AS VARCHAR) || 'e-06'
            WHEN evt.latency < 100 THEN REGEXP_REPLACE(CAST(evt.latency / 10 AS VARCHAR) || '.'
                                                       || CAST(MOD(evt.latency, 10) AS VARCHAR), '\.0$', '') || 'e-05'
            ELSE REGEXP_REPLACE(CAST(evt.latency / 1000000 AS VARCHAR) || '.'
                                || LPAD(CAST(MOD(evt.latency, 1000000) AS VARCHAR), 6, '0'), '\.?0+$', '') END
         AS latency_ms,
       evt.type AS syscall
FROM events
WHERE evt.latency > ${min_ms} * 1000000;
