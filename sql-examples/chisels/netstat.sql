-- netstat: List (and optionally filter) network connections.
-- category: System State
-- arg: filter filter = TRUE: a condition on the thread or the socket, e.g. proc.name = 'nginx' AND fd.sport = 80
-- test:
-- test: proc.name = 'sshd' => proc.name=sshd
-- compare: set skip 1
--
-- The IPv4 and IPv6 sockets of every thread, as netstat: protocol, server address, client address (0.0.0.0:*
-- for a listening socket), state (LISTEN or ESTABLISHED), and tid/pid/command. Threads of a process share its
-- sockets, so each is listed under each thread, as sysdig does (in no order; here by tid then fd). As sysdig
-- prints them, the addresses are cut to 24 characters. A listening socket has no fd.sip (sysdig's field is
-- empty too for a socket without a client or server role): its address is its fd.name. Over a capture file,
-- the state the file recorded at its start (sysdig's chisel shows it after the file's first event).

SELECT fd.l4proto AS proto,
       SUBSTRING(CASE WHEN fd.cip IS NULL THEN fd.name ELSE fd.sip || ':' || fd.sport END FROM 1 FOR 24)
         AS server_address,
       SUBSTRING(COALESCE(fd.cip || ':' || fd.cport, '0.0.0.0:*') FROM 1 FOR 24) AS client_address,
       CASE WHEN fd.cip IS NULL THEN 'LISTEN' ELSE 'ESTABLISHED' END AS state,
       thread.tid || '/' || p.proc.pid || '/' || proc.name AS program
FROM processes p
JOIN (SELECT proc.pid AS fd_pid, fd.num, fd.type, fd.name, fd.l4proto, fd.sockfamily, fd.cip, fd.cport,
             fd.sip, fd.sport, fd.lip, fd.lport, fd.rip, fd.rport, fd.is_server, fd.connected
      FROM connections WHERE fd.type IN ('ipv4', 'ipv6')) f ON f.fd_pid = p.proc.pid
WHERE ${filter}
ORDER BY thread.tid, fd.num;
