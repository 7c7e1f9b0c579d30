-- lsof: List (and optionally filter) the open file descriptors.
-- category: System State
-- arg: filter filter = TRUE: a condition on the thread or the descriptor, e.g. fd.type = 'ipv4'
-- test:
-- test: proc.name = 'sshd' => proc.name=sshd
-- test: fd.type = 'ipv4' => fd.type=ipv4
-- compare: set skip 1
--
-- The open file descriptors of every thread, as lsof: command, pid, tid, user, fd number, type and name, by
-- tid then fd (sysdig prints a thread's descriptors in no order). Threads of a process share its descriptors,
-- so each is listed under each thread, as sysdig does. Command, user and type are cut as sysdig prints them
-- (19, 7 and 11 characters). Over a capture file, the state the file recorded at its start (sysdig's chisel
-- shows it after the file's first event: the same but for what that one event changes).

SELECT SUBSTRING(proc.name FROM 1 FOR 19) AS command, p.proc.pid AS pid, thread.tid AS tid,
       SUBSTRING(COALESCE(user.name, '<NA>') FROM 1 FOR 7) AS "user", fd.num AS fd,
       SUBSTRING(fd.type FROM 1 FOR 11) AS type, fd.name AS name
FROM processes p
JOIN (SELECT proc.pid AS fd_pid, fd.num, fd.type, fd.typechar, fd.name, fd.directory, fd.filename,
             fd.l4proto, fd.sockfamily, fd.cip, fd.cport, fd.sip, fd.sport, fd.lip, fd.lport, fd.rip,
             fd.rport, fd.is_server, fd.connected FROM fds) f ON f.fd_pid = p.proc.pid
WHERE ${filter}
ORDER BY tid, fd;
