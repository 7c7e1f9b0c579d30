-- spy_file: Echo any read/write made by any process to all files. Optionally, you can provide the name of one file to only intercept reads/writes to that file.
-- category: I/O
-- arg: read_or_write string = RW: R for reads only, W for writes only, RW (the default) for both
-- arg: spy_on_file_name string = *: the one file to spy on; * (the default): every file but terminals (/dev/pt*, /dev/tty*)
-- snaplen: 2000
-- test:
-- test: W
-- test: R | /lib/x86_64-linux-gnu/libc.so.6 => R /lib/x86_64-linux-gnu/libc.so.6
-- compare: rows
--
-- Successful reads and writes on files (fd.type file), as sysdig's spy_file prints them: "TIME PROCESS(PID)
-- R|W BYTES FILE", then the data in sysdig's ascii format: printable bytes only, each CR or LF a new line.
-- sysql has no function that turns the raw bytes (evt.rawarg.data, VARBINARY) into text, so the query splits
-- them with TO_CODE_POINTS (whose values Calcite gives as signed bytes, -128..127) and joins the printable ones
-- back per event with LISTAGG; the appended x'00' keeps events with no data.
-- Live (statement 2): a stream can neither aggregate per event nor UNNEST, so one row per event with the data
-- as sysdig's normal text (non-printable bytes as dots).

SELECT t.line
FROM (SELECT evt.num AS num,
             SUBSTRING(evt.datetime FROM 12) || ' ' || proc.name || '(' || CAST(proc.pid AS VARCHAR) || ') '
             || CASE WHEN evt.is_io_write THEN 'W' ELSE 'R' END || ' ' || format_bytes(evt.rawarg.res) || ' '
             || fd.name AS head,
             LISTAGG(CASE WHEN b.c BETWEEN 32 AND 126 OR b.c = 10 THEN CHR(b.c) WHEN b.c = 13 THEN CHR(10) END, '')
               WITHIN GROUP (ORDER BY b.i) AS data
      FROM events
      CROSS JOIN UNNEST(TO_CODE_POINTS(COALESCE(evt.rawarg.data, x'') || x'00')) WITH ORDINALITY AS b(c, i)
      WHERE fd.type = 'file' AND evt.dir = '<' AND NOT evt.failed
        AND CASE UPPER(${read_or_write}) WHEN 'R' THEN evt.is_io_read WHEN 'W' THEN evt.is_io_write ELSE evt.is_io END
        AND (${spy_on_file_name} = '*' AND fd.name NOT LIKE '%/dev/pt%' AND fd.name NOT LIKE '%/dev/tty%'
             OR fd.name = ${spy_on_file_name})
      GROUP BY evt.num, evt.datetime, proc.name, proc.pid, evt.is_io_write, evt.rawarg.res, fd.name) AS e
CROSS JOIN UNNEST(ARRAY_CONCAT(ARRAY[e.head], SPLIT(COALESCE(e.data, ''), CHR(10)))) WITH ORDINALITY AS t(line, i)
WHERE TRIM(t.line) <> ''
ORDER BY e.num, t.i;

SELECT STREAM SUBSTRING(evt.datetime FROM 12) AS "time", proc.name || '(' || CAST(proc.pid AS VARCHAR) || ')' AS process,
       CASE WHEN evt.is_io_write THEN 'W' ELSE 'R' END AS rw, format_bytes(evt.rawarg.res) AS bytes,
       fd.name AS filename, evt.arg.data AS data
FROM events
WHERE fd.type = 'file' AND evt.dir = '<' AND NOT evt.failed
  AND CASE UPPER(${read_or_write}) WHEN 'R' THEN evt.is_io_read WHEN 'W' THEN evt.is_io_write ELSE evt.is_io END
  AND (${spy_on_file_name} = '*' AND fd.name NOT LIKE '%/dev/pt%' AND fd.name NOT LIKE '%/dev/tty%'
       OR fd.name = ${spy_on_file_name});
