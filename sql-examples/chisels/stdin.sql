-- stdin: Print stdin of processes
-- category: I/O
-- snaplen: 2000
-- test:
-- compare: rows
--
-- What processes read from or write to their standard input (file descriptor 0), as sysdig's stdin prints it:
-- each read or write's bytes as they are (the raw buffer up to its first NUL), one output line per line of the
-- data. sysql has no function that turns the raw bytes (evt.rawarg.data, VARBINARY) into text, so the query
-- splits them with TO_CODE_POINTS (Calcite gives signed bytes, -128..127: MOD makes them 0..255) and joins them
-- back per event with LISTAGG; bytes above 127 become one character each (sysdig writes the bytes, which a UTF-8
-- reader may join).
-- Add a filter (proc.name...) by querying with a WHERE of your own.
-- Live (statement 2): a stream can neither aggregate per event nor UNNEST, so one row per event with the data
-- as sysdig's normal text (non-printable bytes, newlines too, as dots).

SELECT t.line
FROM (SELECT evt.num AS num,
             LISTAGG(CHR(MOD(b.c + 256, 256)), '') WITHIN GROUP (ORDER BY b.i) AS data
      FROM events
      CROSS JOIN UNNEST(TO_CODE_POINTS(evt.rawarg.data || x'00')) WITH ORDINALITY AS b(c, i)
      WHERE fd.num = 0 AND evt.is_io AND evt.rawarg.data IS NOT NULL
      GROUP BY evt.num) AS e
CROSS JOIN UNNEST(SPLIT(REGEXP_REPLACE(SUBSTRING(e.data FROM 1 FOR POSITION(CHR(0) IN e.data) - 1), '\r', CHR(10)),
                        CHR(10))) WITH ORDINALITY AS t(line, i)
WHERE REGEXP_REPLACE(t.line, '[\s\x1c-\x1f]+', '') <> ''
ORDER BY e.num, t.i;

SELECT STREAM evt.arg.data AS data
FROM events
WHERE fd.num = 0 AND evt.is_io AND evt.rawarg.data IS NOT NULL;
