-- v_incoming_connections: New Connections: every connection accepted, as it happens
-- category: csysdig views
-- oracle: csysdig -v incoming_connections
-- not-compared: a csysdig view, not a sysdig chisel: CsysdigViewsTest compares it with csysdig -v incoming_connections
-- stream: history
--
-- csysdig's "New Connections" list view (v_incoming_connections.lua): the exit of every successful accept, in
-- event order: the time (HH:MM:SS.nnnnnnnnn), the connection (fd.name, client->server) and the command line of
-- the accepting process. As csysdig's filter (evt.type=accept) it lists accept, not accept4.

SELECT SUBSTRING(evt.datetime FROM 12) AS "time", fd.name AS connection, COALESCE(proc.exeline, '<NA>') AS command
FROM events
WHERE evt.type = 'accept' AND evt.dir = '<' AND NOT evt.failed
ORDER BY evt.num;
