-- spy_logs: Echo any write made by any process to a log file. Optionally, export the events around each log message to file.
-- category: Logs
-- snaplen: 2000
-- test:
-- compare: rows
-- stream: history
--
-- Every line written to a log file (a name containing .log, _log or /var/log, but not .gz or .tgz), as
-- sysdig's spy_logs prints it off a terminal: PROCESS FILE MESSAGE, one row per non-empty line of the data in
-- sysdig's ascii format (printable bytes only; CR and LF end lines), decoded as spy_file does. Not here:
-- sysdig's dump_file_name and dump_range_ms arguments (writing the events around each message to a capture
-- file) and its colours on a terminal.
-- Live: the same lines as they happen (the history query as a stream).

SELECT proc.name AS process, fd.name AS filename, t.line AS message
FROM events
CROSS JOIN UNNEST(SPLIT(COALESCE(REGEXP_REPLACE(TRANSLATE(convert_from(evt.rawarg.data, 'LATIN1'), CHR(13), CHR(10)),
                                                '[^\x20-\x7e\n]', ''), ''), CHR(10))) WITH ORDINALITY AS t(line, i)
WHERE (POSITION('.log' IN fd.name) > 0 OR POSITION('_log' IN fd.name) > 0 OR POSITION('/var/log' IN fd.name) > 0)
  AND POSITION('.gz' IN fd.name) = 0 AND POSITION('.tgz' IN fd.name) = 0
  AND evt.is_io_write AND evt.dir = '<' AND NOT evt.failed AND t.line <> ''
ORDER BY evt.num, t.i;
