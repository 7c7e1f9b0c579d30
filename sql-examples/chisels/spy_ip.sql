-- spy_ip: Show the data exchanged with the given IP address
-- category: Net
-- arg: host_ip string: the IP address (client or server side) whose payloads to show
-- snaplen: 1000
-- test: 2001:db8::3 => 2001:db8::3 disable_colors
-- compare: rows
-- differs: libs_single_ipv6_conn.scap: sysdig labels the 15-byte write (evt.num 1346) "------ Read 15B"; evt.num 1348 is the read
-- stream: history
--
-- The payloads read and written on inet sockets (IPv4 or IPv6) with the given address at either end (sysdig's
-- filter field fd.ip), as sysdig's spy_ip prints them: a line "------ Read 78B" (or Write), then the data as
-- sysdig's text (non-printable bytes as dots). sysdig's chisel colours the lines unless given disable_colors;
-- this prints none (the test runs sysdig with disable_colors).
-- Where it differs (as its twin spy_port does, and more): sysdig's spy_ip labels writes "Read" too (its Lua:
-- string.format("%s------ Read %s", terminal.blue, ...) in the write branch; spy_port says Write there), and it
-- means to print the "------" line only when the direction changes but prints it for every event while setting
-- it only on a change, so a run of reads (or writes) repeats the size of the run's first event. This prints
-- each event's own direction and size.

SELECT t.line
FROM events
CROSS JOIN UNNEST(ARRAY[
    CASE WHEN evt.is_io_read THEN '------ Read ' ELSE '------ Write ' END || format_bytes(evt.rawarg.res),
    evt.arg.data]) WITH ORDINALITY AS t(line, i)
WHERE evt.is_io AND fd.type IN ('ipv4', 'ipv6') AND (fd.sip = ${host_ip} OR fd.cip = ${host_ip})
  AND evt.rawarg.res > 0 AND evt.arg.data IS NOT NULL;
