-- Bytes per connection: what successful reads and writes moved on each network connection (fd.name, as sysdig
-- names it: client address and port -> server address and port), per direction (evt.io_dir: read or write) and process.
--
--   PromQL: topk(10, sum by (fd_name) (rate(sysql_connection_bytes_total[1m])))

-- HELP sysql_connection_bytes_total Bytes read and written on network connections, per connection, direction and process.
SELECT STREAM fd.name, evt.io_dir, proc.name, SUM(evt.rawarg.res) AS sysql_connection_bytes_total
FROM events
WHERE evt.is_io AND NOT evt.failed AND evt.rawarg.res > 0 AND fd.type IN ('ipv4', 'ipv6')
GROUP BY TUMBLE(evt.time, INTERVAL '5' SECOND), fd.name, evt.io_dir, proc.name;
