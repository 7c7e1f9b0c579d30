-- proc_exec_time: Show process execution time
-- category: Performance
-- test: => disable_colors
-- compare: rows skip 2
-- stream: history
--
-- The processes that finished (procexit events), in order, with how long they ran, their name (cut at 12
-- characters, as sysdig prints it) and their arguments. As sysdig's proc_exec_time without -pc and without its
-- colors (sysdig colors a line by the run time: red from 10 s, yellow from 3 s, blue in a container).

SELECT format_duration(proc.duration) AS duration, SUBSTRING(proc.name FROM 1 FOR 12) AS process,
       proc.args AS args
FROM events
WHERE evt.type = 'procexit' AND proc.duration IS NOT NULL
ORDER BY evt.num;
