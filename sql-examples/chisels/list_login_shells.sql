-- list_login_shells: List the login shell IDs
-- category: Security
-- arg: command string = *: only the sessions that ran a command whose name contains this text; * (the default): all
-- arg: arguments string = *: only the sessions that ran a command whose arguments contain this text; * (the default): all
-- test:
-- compare: set skip 1
-- differs: bencer_example4_example4-1.scap: sysdig prints the one shell id (19498) three times
-- differs: falco_cat_write.scap: sysdig prints the one shell id (1020) three times
-- differs: libs_curl_google.scap: sysdig prints the one shell id (3200) three times
--
-- The login sessions (proc.loginshellid: the pid of the oldest shell among a process's ancestors) in which a
-- command ran (a successful or failed execve), each once. These ids filter spy_users (proc.loginshellid = ID).
-- Where it differs: sysdig's chisel keeps only the last matching session (sids.fsid = sid overwrites one
-- variable) and then prints it once per non-nil entry of its three-entry table (for k, v in pairs(sids) do
-- print(sids.fsid)): the same id three times, however many sessions there were. This lists each session once
-- (it does not print sysdig's "All shells:" line). COMMAND and ARGUMENTS match as plain text (sysdig's
-- string.find takes them as Lua patterns).

SELECT DISTINCT proc.loginshellid AS shell_id
FROM events
WHERE evt.type = 'execve' AND evt.dir = '<' AND proc.loginshellid IS NOT NULL AND evt.arg.exe IS NOT NULL
  AND (${command} = '*' OR POSITION(${command} IN evt.arg.exe) > 0)
  AND (${arguments} = '*' OR evt.arg.args IS NULL OR POSITION(${arguments} IN evt.arg.args) > 0);
