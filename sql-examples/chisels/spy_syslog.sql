-- spy_syslog: Print every message written to syslog. Optionally, export the events around each syslog message to file.
-- category: Logs
-- snaplen: 1000
-- test:
-- compare: rows
-- stream: history
--
-- Every message written to syslog (writes to /dev/log), as sysdig's spy_syslog prints it off a terminal:
-- FACILITY.SEVERITY PROCESS[TID] MESSAGE. sysql has no syslog.* fields: the query decodes the message as
-- sysdig's syslog decoder does, from the raw bytes (evt.rawarg.data) as LATIN1 text: the number between the
-- first byte and '>' is the priority (severity its low 3 bits, facility the rest), the message what follows
-- the '>' up to a NUL. A message with line breaks prints as several lines in sysdig and as one row here.
-- Not here: sysdig's dump_file_name and dump_range_ms arguments and its colours on a terminal. None of the
-- test captures writes to /dev/log.
-- Live: the same rows, as they come.

SELECT COALESCE(ARRAY['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'clock',
                      'authpriv', 'ftp', 'ntp', 'logaudit', 'logalert', 'cron', 'local0', 'local1', 'local2',
                      'local3', 'local4', 'local5', 'local6', 'local7'][p.pri / 8 + 1], '<NA>')
       || '.' || COALESCE(ARRAY['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'][MOD(p.pri, 8) + 1],
                          '<NA>') AS priority,
       p.process || '[' || CAST(p.tid AS VARCHAR) || ']' AS process, p.message
FROM (SELECT evt.num AS num, proc.name AS process, thread.tid AS tid,
             CAST(REGEXP_EXTRACT(convert_from(evt.rawarg.data, 'LATIN1'), '^[\s\S]([0-9]{1,9})>') AS INTEGER) AS pri,
             REGEXP_EXTRACT(convert_from(evt.rawarg.data, 'LATIN1'), '^[\s\S][0-9]{1,9}>([^\x00]*)') AS message
      FROM events
      WHERE POSITION('/dev/log' IN fd.name) > 0 AND evt.is_io_write AND evt.dir = '<' AND NOT evt.failed
        AND evt.rawarg.data IS NOT NULL) AS p
ORDER BY p.num;
