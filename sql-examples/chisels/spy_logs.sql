-- spy_logs: Echo any write made by any process to a log file. Optionally, export the events around each log message to file.
-- category: Logs
-- snaplen: 2000
-- test:
-- compare: rows
--
-- Every line written to a log file (a name containing .log, _log or /var/log, but not .gz or .tgz), as
-- sysdig's spy_logs prints it off a terminal: PROCESS FILE MESSAGE, one row per non-empty line of the data in
-- sysdig's ascii format (printable bytes only; CR and LF end lines). Not here: sysdig's dump_file_name and
-- dump_range_ms arguments (writing the events around each message to a capture file) and its colours on a
-- terminal. The data is decoded from evt.rawarg.data with TO_CODE_POINTS and LISTAGG, as spy_file does.
-- Live (statement 2): a stream can neither aggregate per event nor UNNEST, so one row per write with the data
-- as sysdig's normal text (non-printable bytes, newlines too, as dots).

SELECT e.process, e.filename, t.line AS message
FROM (SELECT evt.num AS num, proc.name AS process, fd.name AS filename,
             LISTAGG(CASE WHEN b.c BETWEEN 32 AND 126 OR b.c = 10 THEN CHR(b.c) WHEN b.c = 13 THEN CHR(10) END, '')
               WITHIN GROUP (ORDER BY b.i) AS data
      FROM events
      CROSS JOIN UNNEST(TO_CODE_POINTS(COALESCE(evt.rawarg.data, x'') || x'00')) WITH ORDINALITY AS b(c, i)
      WHERE (POSITION('.log' IN fd.name) > 0 OR POSITION('_log' IN fd.name) > 0 OR POSITION('/var/log' IN fd.name) > 0)
        AND POSITION('.gz' IN fd.name) = 0 AND POSITION('.tgz' IN fd.name) = 0
        AND evt.is_io_write AND evt.dir = '<' AND NOT evt.failed
      GROUP BY evt.num, proc.name, fd.name) AS e
CROSS JOIN UNNEST(SPLIT(COALESCE(e.data, ''), CHR(10))) WITH ORDINALITY AS t(line, i)
WHERE t.line <> ''
ORDER BY e.num, t.i;

SELECT STREAM proc.name AS process, fd.name AS filename, evt.arg.data AS message
FROM events
WHERE (POSITION('.log' IN fd.name) > 0 OR POSITION('_log' IN fd.name) > 0 OR POSITION('/var/log' IN fd.name) > 0)
  AND POSITION('.gz' IN fd.name) = 0 AND POSITION('.tgz' IN fd.name) = 0
  AND evt.is_io_write AND evt.dir = '<' AND NOT evt.failed;
