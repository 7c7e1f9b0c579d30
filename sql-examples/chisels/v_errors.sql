-- v_errors: Errors: the top system call errors, by number of occurrences
-- category: csysdig views
-- oracle: csysdig -v errors
-- not-compared: a csysdig view, not a sysdig chisel: CsysdigViewsTest compares it with csysdig -v errors
--
-- csysdig's "Errors" view (v_errors.lua): per errno name (evt.res of the events whose result is not SUCCESS),
-- how many times it happened, most first.

SELECT csysdig_number(COUNT(*), 1) AS "count", evt.res AS error
FROM events
WHERE evt.res <> 'SUCCESS'
GROUP BY evt.res
ORDER BY COUNT(*) DESC;
