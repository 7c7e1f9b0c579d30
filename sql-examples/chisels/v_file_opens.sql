-- v_file_opens: File Opens List: every file open, with its result, as it happens
-- category: csysdig views
-- oracle: csysdig -v file_opens
-- not-compared: a csysdig view, not a sysdig chisel: CsysdigViewsTest compares it with csysdig -v file_opens
-- stream: history
--
-- csysdig's "File Opens List" (v_file_opens.lua): the exit of every open, in event order: the time
-- (HH:MM:SS.nnnnnnnnn), the result (SUCCESS or the errno name), the file and the command line. As csysdig's
-- filter (evt.type=open) it lists the old open syscall only, not openat or openat2: add them with
-- `evt.type IN ('open', 'openat', 'openat2')` for today's programs, which call openat.

SELECT SUBSTRING(evt.datetime FROM 12) AS "time", evt.res AS res, fd.name AS "file", COALESCE(proc.exeline, '<NA>') AS command
FROM events
WHERE evt.type = 'open' AND evt.dir = '<'
ORDER BY evt.num;
