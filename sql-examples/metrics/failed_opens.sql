-- Failed opens per path: open, openat, openat2 and creat that returned an error, per file name and error.
-- The paths a host fails to open are many: --metrics-max-series bounds the series (the rest are counted in
-- sysql_metrics_dropped_rows_total), and a path not failed for --metrics-stale seconds is forgotten.
--
--   PromQL: topk(20, increase(sysql_failed_opens_total[10m]))

-- HELP sysql_failed_opens_total Opens that failed, per path, error and process name.
SELECT STREAM fd.name, evt.res, proc.name, COUNT(*) AS sysql_failed_opens_total
FROM events
WHERE evt.type IN ('open', 'openat', 'openat2', 'creat') AND evt.dir = '<' AND evt.failed
GROUP BY TUMBLE(evt.time, INTERVAL '5' SECOND), fd.name, evt.res, proc.name;
