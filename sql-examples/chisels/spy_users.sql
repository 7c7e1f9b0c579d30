-- spy_users: Display interactive user activity
-- category: Security
-- test: => 100 disable_color
-- compare: rows
--
-- The commands run from a shell (successful execve whose process has an ancestor, within 16, named ...sh) and
-- the directories shells move to (successful chdir by a process whose name contains sh but not sshd), as
-- sysdig's spy_users prints them: the shell's pid (the oldest ...sh ancestor, as the chisel's ancestor loop
-- keeps the last match), the time (HH:MM:SS), "USER)" and the command line, or "cd DIR". sysdig's chisel keeps a
-- process tree across events to indent each command by its depth under the shell and to honour max_depth; this
-- gives no depth (the indentation is only spaces) and has no max_depth argument. sysdig's chisel colours its
-- lines unless given disable_color (the test runs it with disable_color).

SELECT CAST(COALESCE(CASE WHEN proc.aname[16] LIKE '%sh' THEN proc.apid[16] END,
                CASE WHEN proc.aname[15] LIKE '%sh' THEN proc.apid[15] END,
                CASE WHEN proc.aname[14] LIKE '%sh' THEN proc.apid[14] END,
                CASE WHEN proc.aname[13] LIKE '%sh' THEN proc.apid[13] END,
                CASE WHEN proc.aname[12] LIKE '%sh' THEN proc.apid[12] END,
                CASE WHEN proc.aname[11] LIKE '%sh' THEN proc.apid[11] END,
                CASE WHEN proc.aname[10] LIKE '%sh' THEN proc.apid[10] END,
                CASE WHEN proc.aname[9] LIKE '%sh' THEN proc.apid[9] END,
                CASE WHEN proc.aname[8] LIKE '%sh' THEN proc.apid[8] END,
                CASE WHEN proc.aname[7] LIKE '%sh' THEN proc.apid[7] END,
                CASE WHEN proc.aname[6] LIKE '%sh' THEN proc.apid[6] END,
                CASE WHEN proc.aname[5] LIKE '%sh' THEN proc.apid[5] END,
                CASE WHEN proc.aname[4] LIKE '%sh' THEN proc.apid[4] END,
                CASE WHEN proc.aname[3] LIKE '%sh' THEN proc.apid[3] END,
                CASE WHEN proc.aname[2] LIKE '%sh' THEN proc.apid[2] END,
                CASE WHEN proc.aname[1] LIKE '%sh' THEN proc.apid[1] END) AS VARCHAR)
         AS shell,
       evt.time.s AS "time", COALESCE(user.name, '<NA>') || ')' AS "user",
       CASE WHEN evt.type = 'chdir' THEN 'cd ' || evt.arg.path ELSE proc.exe || ' ' || proc.args END AS command
FROM events
WHERE evt.dir = '<' AND NOT evt.failed
  AND (evt.type = 'execve'
       OR evt.type = 'chdir' AND POSITION('sh' IN proc.name) > 0 AND POSITION('sshd' IN proc.name) = 0)
  AND COALESCE(CASE WHEN proc.aname[16] LIKE '%sh' THEN proc.apid[16] END,
                CASE WHEN proc.aname[15] LIKE '%sh' THEN proc.apid[15] END,
                CASE WHEN proc.aname[14] LIKE '%sh' THEN proc.apid[14] END,
                CASE WHEN proc.aname[13] LIKE '%sh' THEN proc.apid[13] END,
                CASE WHEN proc.aname[12] LIKE '%sh' THEN proc.apid[12] END,
                CASE WHEN proc.aname[11] LIKE '%sh' THEN proc.apid[11] END,
                CASE WHEN proc.aname[10] LIKE '%sh' THEN proc.apid[10] END,
                CASE WHEN proc.aname[9] LIKE '%sh' THEN proc.apid[9] END,
                CASE WHEN proc.aname[8] LIKE '%sh' THEN proc.apid[8] END,
                CASE WHEN proc.aname[7] LIKE '%sh' THEN proc.apid[7] END,
                CASE WHEN proc.aname[6] LIKE '%sh' THEN proc.apid[6] END,
                CASE WHEN proc.aname[5] LIKE '%sh' THEN proc.apid[5] END,
                CASE WHEN proc.aname[4] LIKE '%sh' THEN proc.apid[4] END,
                CASE WHEN proc.aname[3] LIKE '%sh' THEN proc.apid[3] END,
                CASE WHEN proc.aname[2] LIKE '%sh' THEN proc.apid[2] END,
                CASE WHEN proc.aname[1] LIKE '%sh' THEN proc.apid[1] END) IS NOT NULL;
