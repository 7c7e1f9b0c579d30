-- spy_file: Echo any read/write made by any process to all files. Optionally, you can provide the name of one file to only intercept reads/writes to that file.
-- category: I/O
-- arg: read_or_write string = RW: R for reads only, W for writes only, RW (the default) for both
-- arg: spy_on_file_name string = *: the one file to spy on; * (the default): every file but terminals (/dev/pt*, /dev/tty*)
-- snaplen: 2000
-- test:
-- test: W
-- test: R | /lib/x86_64-linux-gnu/libc.so.6 => R /lib/x86_64-linux-gnu/libc.so.6
-- compare: rows
-- stream: history
--
-- Successful reads and writes on files (fd.type file), as sysdig's spy_file prints them: "TIME PROCESS(PID)
-- R|W BYTES FILE", then the data in sysdig's ascii format: printable bytes only, each CR or LF a new line
-- (the raw bytes, evt.rawarg.data, as LATIN1 text, CR made LF, any other non-printable character removed).
-- Live: the same lines as they happen (the history query as a stream).

SELECT t.line
FROM (SELECT evt.num AS num,
             SUBSTRING(evt.datetime FROM 12) || ' ' || proc.name || '(' || CAST(proc.pid AS VARCHAR) || ') '
             || CASE WHEN evt.is_io_write THEN 'W' ELSE 'R' END || ' ' || format_bytes(evt.rawarg.res) || ' '
             || fd.name AS head,
             REGEXP_REPLACE(TRANSLATE(convert_from(evt.rawarg.data, 'LATIN1'), CHR(13), CHR(10)), '[^\x20-\x7e\n]', '')
               AS data
      FROM events
      WHERE fd.type = 'file' AND evt.dir = '<' AND NOT evt.failed
        AND CASE UPPER(${read_or_write}) WHEN 'R' THEN evt.is_io_read WHEN 'W' THEN evt.is_io_write ELSE evt.is_io END
        AND (${spy_on_file_name} = '*' AND fd.name NOT LIKE '%/dev/pt%' AND fd.name NOT LIKE '%/dev/tty%'
             OR fd.name = ${spy_on_file_name})) AS e
CROSS JOIN UNNEST(ARRAY_CONCAT(ARRAY[e.head], SPLIT(COALESCE(e.data, ''), CHR(10)))) WITH ORDINALITY AS t(line, i)
WHERE TRIM(t.line) <> ''
ORDER BY e.num, t.i;
