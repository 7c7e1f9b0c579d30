-- stdout: Print stdout of processes
-- category: I/O
-- snaplen: 2000
-- test:
-- compare: rows
-- stream: history
--
-- What processes read from or write to their standard output (file descriptor 1), as sysdig's stdout prints it:
-- each read or write's bytes as they are (the raw buffer up to its first NUL), one output line per line of the
-- data (CR or LF ends a line; blank lines are left out). convert_from(..., 'LATIN1') gives one character per
-- byte, so a byte above 127 is one character (sysdig writes the bytes, which a UTF-8 reader may join).
-- Add a filter (proc.name...) by querying with a WHERE of your own.
-- Live: the same lines as they happen (the history query as a stream).

SELECT t.line
FROM events
CROSS JOIN UNNEST(SPLIT(TRANSLATE(SPLIT_PART(convert_from(evt.rawarg.data, 'LATIN1'), CHR(0), 1), CHR(13), CHR(10)),
                        CHR(10))) WITH ORDINALITY AS t(line, i)
WHERE fd.num = 1 AND evt.is_io AND evt.rawarg.data IS NOT NULL
  AND REGEXP_REPLACE(t.line, '[\s\x1c-\x1f]+', '') <> ''
ORDER BY evt.num, t.i;
