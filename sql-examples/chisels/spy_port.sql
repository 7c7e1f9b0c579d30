-- spy_port: Show the data exchanged using the given IP port number
-- category: Net
-- arg: host_port number: the port (client or server side) whose payloads to show
-- snaplen: 1000
-- test: 80 => 80 disable_colors
-- compare: rows
-- differs: libs_curl_google.scap: recvfrom #1374 (5457 B) and #1412 (5 B) print as "Read 5.90KB", #1343's size
-- stream: history
--
-- The payloads read and written on inet sockets (IPv4 or IPv6) whose client or server port is the given one
-- (sysdig's filter field fd.port), as sysdig's spy_port prints them: a line "------ Read 78B" (or Write), then
-- the data as sysdig's text (non-printable bytes as dots). sysdig's chisel colours the lines unless given
-- disable_colors; this prints none (the test runs sysdig with disable_colors).
-- Where it differs: sysdig's chisel means to print the "------" line only when the direction changes, but prints
-- it for every event, and sets it only on a change: a run of reads (or writes) repeats the size of the run's
-- first event (its Lua: print(infostr) outside the "if direction ~= ..." that sets infostr). This prints each
-- event's own size.

SELECT t.line
FROM events
CROSS JOIN UNNEST(ARRAY[
    CASE WHEN evt.is_io_read THEN '------ Read ' ELSE '------ Write ' END || format_bytes(evt.rawarg.res),
    evt.arg.data]) WITH ORDINALITY AS t(line, i)
WHERE evt.is_io AND fd.type IN ('ipv4', 'ipv6') AND (fd.sport = ${host_port} OR fd.cport = ${host_port})
  AND evt.rawarg.res > 0 AND evt.arg.data IS NOT NULL;
