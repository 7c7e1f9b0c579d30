-- lscontainers: List the running containers
-- category: System State
-- test:
-- compare: set skip 2
--
-- The containers, as sysdig's chisel lists them: type, image, name and id (cut to 14, 15, 19 and 12
-- characters as it prints them; it prints them in no order, here by id). The host is no container. Over a
-- capture file, the containers the file describes at its start. sysdig's optional argument "desc" (print
-- the Lua table) has no equivalent: SELECT * FROM containers shows every column, and `sysql chisel
-- lscontainers --format json` prints each row as a JSON object.

SELECT SUBSTRING(container.type FROM 1 FOR 14) AS type, SUBSTRING(container.image FROM 1 FOR 15) AS image,
       SUBSTRING(container.name FROM 1 FOR 19) AS name, SUBSTRING(container.id FROM 1 FOR 12) AS id
FROM containers
WHERE container.id <> 'host'
ORDER BY container.id;
