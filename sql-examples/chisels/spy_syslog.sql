-- spy_syslog: Print every message written to syslog. Optionally, export the events around each syslog message to file.
-- category: Logs
-- snaplen: 1000
-- test:
-- compare: rows
--
-- Every message written to syslog (writes to /dev/log), as sysdig's spy_syslog prints it off a terminal:
-- FACILITY.SEVERITY PROCESS[TID] MESSAGE. sysql has no syslog.* fields: the query decodes the message as
-- sysdig's syslog decoder does (the number between the first byte and '>' is the priority: severity its low
-- 3 bits, facility the rest; the message is what follows the '>'), from the raw bytes (evt.rawarg.data) turned
-- into text with TO_CODE_POINTS and LISTAGG (no bytes-to-text function); a message with line breaks prints as
-- several lines in sysdig and as one row here. Not here: sysdig's dump_file_name and dump_range_ms arguments
-- and its colours on a terminal. None of the test captures writes to /dev/log.
-- Live (statement 2): a stream cannot aggregate per event, so it decodes sysdig's normal text of the buffer
-- (non-printable bytes as dots) instead.

SELECT COALESCE(ARRAY['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'clock',
                      'authpriv', 'ftp', 'ntp', 'logaudit', 'logalert', 'cron', 'local0', 'local1', 'local2',
                      'local3', 'local4', 'local5', 'local6', 'local7'][p.pri / 8 + 1], '<NA>')
       || '.' || COALESCE(ARRAY['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'][MOD(p.pri, 8) + 1],
                          '<NA>') AS priority,
       p.process || '[' || CAST(p.tid AS VARCHAR) || ']' AS process, p.message
FROM (SELECT e.num, e.process, e.tid,
             CAST(REGEXP_EXTRACT(e.data, '^[\s\S]([0-9]{1,9})>') AS INTEGER) AS pri,
             REGEXP_EXTRACT(e.data, '^[\s\S][0-9]{1,9}>([^\x00]*)') AS message
      FROM (SELECT evt.num AS num, proc.name AS process, thread.tid AS tid,
                   LISTAGG(CHR(MOD(b.c + 256, 256)), '') WITHIN GROUP (ORDER BY b.i) AS data
            FROM events
            CROSS JOIN UNNEST(TO_CODE_POINTS(evt.rawarg.data || x'00')) WITH ORDINALITY AS b(c, i)
            WHERE POSITION('/dev/log' IN fd.name) > 0 AND evt.is_io_write AND evt.dir = '<' AND NOT evt.failed
            GROUP BY evt.num, proc.name, thread.tid) AS e) AS p
ORDER BY p.num;

SELECT STREAM
       COALESCE(ARRAY['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'clock',
                      'authpriv', 'ftp', 'ntp', 'logaudit', 'logalert', 'cron', 'local0', 'local1', 'local2',
                      'local3', 'local4', 'local5', 'local6', 'local7'][
                  CAST(REGEXP_EXTRACT(evt.arg.data, '^.([0-9]{1,9})>') AS INTEGER) / 8 + 1], '<NA>')
       || '.' || COALESCE(ARRAY['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'][
                  MOD(CAST(REGEXP_EXTRACT(evt.arg.data, '^.([0-9]{1,9})>') AS INTEGER), 8) + 1], '<NA>') AS priority,
       proc.name || '[' || CAST(thread.tid AS VARCHAR) || ']' AS process,
       REGEXP_EXTRACT(evt.arg.data, '^.[0-9]{1,9}>(.*)') AS message
FROM events
WHERE POSITION('/dev/log' IN fd.name) > 0 AND evt.is_io_write AND evt.dir = '<' AND NOT evt.failed;
