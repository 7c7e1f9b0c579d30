-- v_procs: Processes: every process with its CPU, memory, threads and file and network bytes, like top
-- category: csysdig views
-- oracle: csysdig -v procs -j
-- not-compared: a csysdig view, not a sysdig chisel: CsysdigViewsTest compares it with csysdig -v procs -j
--
-- csysdig's "Processes" view (v_procs.lua), the typical top/htop process list. csysdig builds it per thread from
-- every event but switch, plus one event of its own per thread of its thread table when it shows the view (for a
-- file: at its end, the table processes_at_end), then merges the threads of each process: CPU is the thread.cpu
-- of the thread's procinfo events averaged per thread (csysdig's AVG counts only the events that have a value)
-- and summed over the threads; TH, VIRT and RES the most seen (VIRT and RES are the main thread's memory in
-- bytes, thread.vmsize.b and thread.vmrss.b); FILE and NET the evt.buflen of the events on files and on inet
-- sockets (csysdig's evt.buflen.file and evt.buflen.net: the result of every I/O call, an fcntl's too); PID,
-- PPID and USER the first seen; the command line the last. csysdig's screen shows FILE and NET per second of its
-- sample; over a file these are the whole file's totals, which its JSON output (-j) prints: divide by the span
-- (MAX(evt.rawtime) - MIN(evt.rawtime)) / 1e9 for the screen's rates. Sorted by CPU.
-- Live, this runs once over the history and the threads now; sysql's probe sends no procinfo events (sysdig's
-- driver sends one per thread a second), so there CPU is 0.

WITH samples AS (
    SELECT thread.tid AS tid, evt.num AS num, proc.pid AS pid, proc.ppid AS ppid, thread.cpu AS cpu,
           COALESCE(user.name, '') AS usr, COALESCE(proc.nthreads, 0) AS th,
           COALESCE(thread.vmsize, 0) * 1024 AS virt, COALESCE(thread.vmrss, 0) * 1024 AS res,
           CASE WHEN fd.type = 'file' THEN COALESCE(evt.buflen, 0) ELSE 0 END AS file_bytes,
           CASE WHEN fd.type IN ('ipv4', 'ipv6') THEN COALESCE(evt.buflen, 0) ELSE 0 END AS net_bytes,
           COALESCE(proc.exeline, '') AS command
    FROM events
    WHERE evt.type <> 'switch' AND proc.pid IS NOT NULL
    UNION ALL
    SELECT thread.tid, 9223372036854775807, proc.pid, proc.ppid, CAST(NULL AS BIGINT), COALESCE(user.name, ''),
           COALESCE(proc.nthreads, 0), CASE WHEN thread.ismain THEN COALESCE(proc.vmsize, 0) * 1024 ELSE 0 END,
           CASE WHEN thread.ismain THEN COALESCE(proc.vmrss, 0) * 1024 ELSE 0 END, 0, 0, COALESCE(proc.exeline, '')
    FROM processes_at_end),
threads AS (
    SELECT tid, ARG_MIN(pid, num) AS pid, ARG_MIN(ppid, num) AS ppid,
           CASE WHEN COUNT(cpu) > 0 THEN CAST(SUM(cpu) AS DOUBLE) / COUNT(cpu) ELSE 0.0 END AS cpu,
           ARG_MIN(usr, num) AS usr, MAX(th) AS th, MAX(virt) AS virt, MAX(res) AS res,
           SUM(file_bytes) AS file_bytes, SUM(net_bytes) AS net_bytes, ARG_MAX(command, num) AS command
    FROM samples
    GROUP BY tid)
SELECT pid, MIN(ppid) AS ppid, SUM(cpu) AS cpu, MIN(usr) AS "user", MAX(th) AS th, MAX(virt) AS virt,
       MAX(res) AS res, SUM(file_bytes) AS "file", SUM(net_bytes) AS net, MAX(command) AS command
FROM threads
GROUP BY pid
ORDER BY cpu DESC;
