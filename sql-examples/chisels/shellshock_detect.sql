-- shellshock_detect: print shellshock attacks
-- category: Security
-- not-compared: sysdig 0.29.3 refuses the chisel's own filter ("proc.name=bash or proc.name=sh and evt.type=execve": expression mixes 'and' and 'or' in an ambiguous way) and exits 1 on every capture
--
-- Every start of bash or sh whose environment defines a function with a command after it (CVE-2014-6271,
-- "X=() { :;}; cmd"): the time (HH:MM:SS.nnnnnnnnn), the parent process's name and pid, and the environment
-- entry from its "() {". As sysdig's shellshock_detect means to (its filter, which sysdig refuses, read as
-- "(proc.name=bash or proc.name=sh) and evt.type=execve"). The environment is the execve's raw env as LATIN1
-- text, its entries separated by NULs. None of the test captures holds such an execve.

SELECT SUBSTRING(evt.datetime FROM 12) AS "time", proc.pname AS procname, proc.ppid AS pid,
       REGEXP_EXTRACT(convert_from(evt.rawarg.env, 'LATIN1'), '(\(\) ?\{[^\x00\n]+)') AS "function"
FROM events
WHERE proc.name IN ('bash', 'sh') AND evt.type = 'execve' AND evt.dir = '<'
  AND REGEXP_CONTAINS(convert_from(evt.rawarg.env, 'LATIN1'), '\(\) ?\{[^\x00\n]')
ORDER BY evt.num;
