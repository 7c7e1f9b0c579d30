-- v_spy_users: Spy Users: the commands users run in shells and the directories they move to, as they happen
-- category: csysdig views
-- oracle: csysdig -v spy_users
-- not-compared: a csysdig view, not a sysdig chisel: CsysdigViewsTest compares it with csysdig -v spy_users
-- stream: history
--
-- csysdig's "Spy Users" list view (v_spy_users.lua): every successful execve exit, and every successful chdir exit
-- by a process whose name contains "sh" but not "sshd", in event order: the time (HH:MM:SS.nnnnnnnnn), the user,
-- the parent's pid (csysdig's SHELL column) and the command line. The spy_users chisel prints the same events
-- with the shell found among the ancestors instead of the parent.

SELECT SUBSTRING(evt.datetime FROM 12) AS "time", user.name AS "user", proc.ppid AS shell,
       COALESCE(proc.exeline, '<NA>') AS command
FROM events
WHERE evt.dir = '<' AND NOT evt.failed
  AND (evt.type = 'execve'
       OR evt.type = 'chdir' AND POSITION('sh' IN proc.name) > 0 AND POSITION('sshd' IN proc.name) = 0)
ORDER BY evt.num;
