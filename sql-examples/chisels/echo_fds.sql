-- echo_fds: Print the data read and written by processes.
-- category: I/O
-- snaplen: 2000
-- test: => disable_color
-- compare: rows
-- stream: history
--
-- Every successful read and write on any file descriptor, as sysdig's echo_fds prints it: a line
-- "------ Read 78B from  FD (PROCESS)" (or "Write ... to"), then the data as sysdig's text (non-printable
-- bytes as dots). sysdig's chisel colours the lines (red reads, blue writes) even when not on a terminal unless
-- given disable_color; this prints no colours (the test runs sysdig with disable_color). Add a filter by
-- querying with a WHERE of your own.
-- Live: the same lines as they happen (the history query as a stream).

SELECT t.line
FROM events
CROSS JOIN UNNEST(ARRAY[
    CASE WHEN evt.is_io_read THEN '------ Read ' || format_bytes(evt.rawarg.res) || ' from'
         ELSE '------ Write ' || format_bytes(evt.rawarg.res) || ' to' END
      || '  ' || COALESCE(fd.name, '<NA>') || ' (' || COALESCE(proc.name, '<NA>') || ')',
    evt.arg.data]) WITH ORDINALITY AS t(line, i)
WHERE evt.is_io AND evt.dir = '<' AND evt.rawres > 0;
