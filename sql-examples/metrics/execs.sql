-- Programs started per parent: execve and execveat that succeeded, per parent process name and program name.
--
--   PromQL: sum by (proc_pname) (increase(sysql_execs_total[5m]))

-- HELP sysql_execs_total Programs started (execve and execveat that succeeded), per parent and program name.
SELECT STREAM proc.pname, proc.name, COUNT(*) AS sysql_execs_total
FROM events
WHERE evt.type IN ('execve', 'execveat') AND evt.dir = '<' AND NOT evt.failed
GROUP BY TUMBLE(evt.time, INTERVAL '5' SECOND), proc.pname, proc.name;
