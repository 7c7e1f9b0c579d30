-- shellshock_detect: print shellshock attacks
-- category: Security
-- not-compared: sysdig 0.29.3 refuses the chisel's own filter ("proc.name=bash or proc.name=sh and evt.type=execve": expression mixes 'and' and 'or' in an ambiguous way) and exits 1 on every capture
--
-- Every start of bash or sh whose environment defines a function with a command after it (CVE-2014-6271,
-- "X=() { :;}; cmd"): the time (HH:MM:SS.nnnnnnnnn), the parent process's name and pid, and the environment
-- entry from its "() {". As sysdig's shellshock_detect means to (its filter, which sysdig refuses, read as
-- "(proc.name=bash or proc.name=sh) and evt.type=execve"). The environment is the execve's raw env (entries
-- separated by NULs), turned into text with TO_CODE_POINTS and LISTAGG (no bytes-to-text function), each
-- NUL a line break. None of the test captures holds such an execve.

SELECT SUBSTRING(e.dt FROM 12) AS "time", e.procname, e.pid,
       REGEXP_EXTRACT(e.env, '(\(\) ?\{[^\n]+)') AS "function"
FROM (SELECT evt.num AS num, evt.datetime AS dt, proc.pname AS procname, proc.ppid AS pid,
             LISTAGG(CASE WHEN b.c = 0 THEN CHR(10) ELSE CHR(MOD(b.c + 256, 256)) END, '')
               WITHIN GROUP (ORDER BY b.i) AS env
      FROM events
      CROSS JOIN UNNEST(TO_CODE_POINTS(evt.rawarg.env || x'00')) WITH ORDINALITY AS b(c, i)
      WHERE proc.name IN ('bash', 'sh') AND evt.type = 'execve' AND evt.dir = '<'
      GROUP BY evt.num, evt.datetime, proc.pname, proc.ppid) AS e
WHERE REGEXP_CONTAINS(e.env, '\(\) ?\{[^\n]')
ORDER BY e.num;
