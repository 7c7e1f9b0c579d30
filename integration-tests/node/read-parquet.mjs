// Reads a Parquet file with DuckDB (its Node.js API) and prints, as one JSON object, its columns' names and DuckDB
// types and every row, each value as text the way sysql's CSV writes it (timestamps as "yyyy-MM-dd HH:mm:ss.SSS"
// wall-clock, binary as hex, NULL as null): integration-tests' DataOutIT compares it with the CSV of the same query.
import { DuckDBInstance } from '@duckdb/node-api';

const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
const path = process.argv[2].replaceAll("'", "''");
const result = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
const names = result.columnNames();
const types = result.columnTypes().map((t) => t.toString());
const pad = (n, w) => String(n).padStart(w, '0');
function text(type, v) {
  if (v === null || v === undefined) return null;
  if (type === 'TIMESTAMP') {
    const ms = Number(v.micros / 1000n);
    const d = new Date(ms);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
      `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
  }
  if (type === 'BLOB') return Buffer.from(v.bytes).toString('hex');
  return String(v);
}
const rows = result.getRows().map((row) => row.map((v, i) => text(types[i], v)));
console.log(JSON.stringify({ fields: names.map((name, i) => ({ name, type: types[i] })), rows }));
