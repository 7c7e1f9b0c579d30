-- ps: List (and optionally filter) the machine processes.
-- category: System State
-- arg: filter filter = TRUE: a condition on the thread or on one of its descriptors, e.g. fd.name LIKE '/etc/%'
-- test:
-- test: proc.name = 'sshd' => proc.name=sshd
-- test: fd.type = 'ipv4' => fd.type=ipv4
-- compare: rows skip 1
--
-- The threads, as ps -eL: tid, pid, user (cut to 11 characters, as sysdig prints it), virtual and resident
-- memory, fd limit and command, by tid. With a filter, the threads that have a descriptor (fd.* fields) for
-- which the condition holds, as sysdig's chisel. Over a capture file, the state the file recorded at its start
-- (sysdig's chisel shows it after the first event: the same but for what that one event changes).

SELECT DISTINCT thread.tid AS tid, p.proc.pid AS pid, SUBSTRING(COALESCE(user.name, '<NA>') FROM 1 FOR 11) AS "user",
       format_bytes(proc.vmsize * 1024) AS virt, format_bytes(proc.vmrss * 1024) AS res,
       proc.fdlimit AS fdlimit, proc.name AS cmd
FROM processes p
LEFT JOIN (SELECT proc.pid AS fd_pid, fd.num, fd.type, fd.typechar, fd.name, fd.directory, fd.filename,
                  fd.l4proto, fd.sockfamily, fd.cip, fd.cport, fd.sip, fd.sport, fd.lip, fd.lport, fd.rip,
                  fd.rport, fd.is_server, fd.connected FROM fds) f ON f.fd_pid = p.proc.pid
WHERE ${filter}
ORDER BY tid;
