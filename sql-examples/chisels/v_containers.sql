-- v_containers: Containers: every container with its CPU, processes, threads, memory and file and network bytes
-- category: csysdig views
-- oracle: csysdig -v containers -j
-- oracle-skips: 2, 3: csysdig's PROCS and THREADS over a file depend on the order of its hash table (one process with three procinfo events gives 3 when its thread comes first in that order, 1 otherwise: nginx 1, web 3 on the bencer captures); the view counts the processes and threads
-- not-compared: a csysdig view, not a sysdig chisel: CsysdigViewsTest compares it with csysdig -v containers -j
--
-- csysdig's "Containers" view (v_containers.lua): per container (not the host), built as csysdig builds it: per
-- thread from every event of the container's threads, plus one event of its own per thread of its thread table
-- when it shows the view (for a file: at its end, the table processes_at_end), then summed over the container's
-- threads: CPU is the thread.cpu of each thread's procinfo events averaged per thread, VIRT and RES the main
-- threads' memory in bytes (the most seen per thread), FILE and NET the evt.buflen of the events on files and on
-- inet sockets (csysdig's evt.buflen.file and evt.buflen.net), then the engine, image, id and name. PROCS and
-- THREADS are the processes and threads seen in the container (csysdig means these, and prints numbers that
-- depend on its hash order). csysdig's screen shows FILE and NET per second of its sample; over a file these are
-- the whole file's totals, which its JSON output (-j) prints. Sorted by CPU.
-- Live, this runs once over the history and the threads now; sysql's probe sends no procinfo events (sysdig's
-- driver sends one per thread a second), so there CPU is 0.

WITH samples AS (
    SELECT thread.tid AS tid, evt.num AS num, proc.pid AS pid, container.id AS id, thread.cpu AS cpu,
           COALESCE(thread.vmsize, 0) * 1024 AS virt, COALESCE(thread.vmrss, 0) * 1024 AS res,
           CASE WHEN fd.type = 'file' THEN COALESCE(evt.buflen, 0) ELSE 0 END AS file_bytes,
           CASE WHEN fd.type IN ('ipv4', 'ipv6') THEN COALESCE(evt.buflen, 0) ELSE 0 END AS net_bytes,
           container.type AS engine, container.image AS image, container.name AS name
    FROM events
    WHERE container.name <> 'host' AND thread.tid IS NOT NULL
    UNION ALL
    SELECT thread.tid, 9223372036854775807, proc.pid, container.id, CAST(NULL AS BIGINT),
           CASE WHEN thread.ismain THEN COALESCE(proc.vmsize, 0) * 1024 ELSE 0 END,
           CASE WHEN thread.ismain THEN COALESCE(proc.vmrss, 0) * 1024 ELSE 0 END, 0, 0,
           container.type, container.image, container.name
    FROM processes_at_end
    WHERE container.name <> 'host'),
threads AS (
    SELECT tid, ARG_MIN(pid, num) AS pid, ARG_MIN(id, num) AS id,
           CASE WHEN COUNT(cpu) > 0 THEN CAST(SUM(cpu) AS DOUBLE) / COUNT(cpu) ELSE 0.0 END AS cpu,
           MAX(virt) AS virt, MAX(res) AS res, SUM(file_bytes) AS file_bytes, SUM(net_bytes) AS net_bytes,
           ARG_MIN(engine, num) AS engine, ARG_MIN(image, num) AS image, ARG_MIN(name, num) AS name
    FROM samples
    GROUP BY tid)
SELECT SUM(cpu) AS cpu, COUNT(DISTINCT pid) AS procs, COUNT(*) AS threads, SUM(virt) AS virt, SUM(res) AS res,
       SUM(file_bytes) AS "file", SUM(net_bytes) AS net, MIN(engine) AS engine, MIN(image) AS image, id,
       MIN(name) AS name
FROM threads
GROUP BY id
ORDER BY cpu DESC;
