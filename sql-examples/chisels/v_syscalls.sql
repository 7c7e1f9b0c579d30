-- v_syscalls: System Calls: the top system calls by number of invocations and time spent in them
-- category: csysdig views
-- oracle: csysdig -v syscalls
-- not-compared: a csysdig view, not a sysdig chisel: CsysdigViewsTest compares it with csysdig -v syscalls
-- oracle-ignores: sysdigevent: not a system call: csysdig's own events, one per thread it knows (process_proctable)
--
-- csysdig's "System Calls" view (v_syscalls.lua): per system call (filter syscall.type exists), the calls per
-- second (evt.count over the capture's span, from its first to its last event), the total and the average time
-- spent in it (evt.latency: its sum, and that sum over the events that have a latency, enter events included,
-- as csysdig averages), sorted by calls.

WITH span AS (
    SELECT (MAX(evt.rawtime) - MIN(evt.rawtime)) / 1e9 AS secs FROM events WHERE evt.rawtime > 0)
SELECT csysdig_number(COUNT(*), MAX(span.secs)) AS calls_per_s,
       csysdig_time(SUM(COALESCE(e.latency, 0)), 1) AS tot_time,
       csysdig_time(SUM(COALESCE(e.latency, 0)), COUNT(e.latency)) AS avg_time,
       e.syscall
FROM (SELECT evt.type AS syscall, evt.latency AS latency FROM events WHERE syscall.type IS NOT NULL) AS e
CROSS JOIN span
GROUP BY e.syscall
ORDER BY COUNT(*) DESC;
