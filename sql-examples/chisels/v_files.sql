-- v_files: Files: the files accessed, with bytes in and out, operations, opens and errors
-- category: csysdig views
-- oracle: csysdig -v files
-- not-compared: a csysdig view, not a sysdig chisel: CsysdigViewsTest compares it with csysdig -v files
--
-- csysdig's "Files" view (v_files.lua): per file (events on descriptors of type file or directory
-- with a name): bytes read and written (evt.buflen of reads and writes on files), operations (exit events),
-- opens (exits of the old open syscall only: csysdig counts evt.type.is.3) and errors, sorted by operations.
-- Over a capture file these are totals for the whole file, as csysdig shows them.

SELECT csysdig_number(SUM(CASE WHEN fd.type = 'file' AND evt.is_io_read THEN COALESCE(evt.buflen, 0) ELSE 0 END), 1)
           AS bytes_in,
       csysdig_number(SUM(CASE WHEN fd.type = 'file' AND evt.is_io_write THEN COALESCE(evt.buflen, 0) ELSE 0 END), 1)
           AS bytes_out,
       csysdig_number(SUM(CASE WHEN evt.dir = '<' THEN 1 ELSE 0 END), 1) AS ops,
       csysdig_number(SUM(CASE WHEN evt.type = 'open' AND evt.dir = '<' THEN 1 ELSE 0 END), 1) AS opens,
       csysdig_number(SUM(COALESCE(evt.count.error, 0)), 1) AS errors,
       fd.name AS filename
FROM events
WHERE fd.type IN ('file', 'directory') AND fd.name <> ''
GROUP BY fd.name
ORDER BY SUM(CASE WHEN evt.dir = '<' THEN 1 ELSE 0 END) DESC;
