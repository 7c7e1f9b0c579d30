// Reads an Arrow IPC stream with Apache Arrow's JavaScript library and prints, as one JSON object, its columns'
// names and Arrow types and every row, each value as text the way sysql's CSV writes it (timestamps as
// "yyyy-MM-dd HH:mm:ss.SSS" wall-clock, binary as hex, NULL as null): integration-tests' DataOutIT compares it
// with the CSV of the same query.
import { readFileSync } from 'node:fs';
import { tableFromIPC, Type } from 'apache-arrow';

const table = tableFromIPC(readFileSync(process.argv[2]));
const fields = table.schema.fields;
const pad = (n, w) => String(n).padStart(w, '0');
function text(field, v) {
  if (v === null || v === undefined) return null;
  switch (field.type.typeId) {
    case Type.Timestamp: {
      // a wall-clock timestamp without zone: read its fields as UTC
      const unit = field.type.unit; // 0 s, 1 ms, 2 us, 3 ns
      const ms = Number(v) / [1 / 1000, 1, 1000, 1e6][unit];
      const d = new Date(Math.floor(ms));
      return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
        `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
    }
    case Type.Binary:
      return Buffer.from(v).toString('hex');
    default:
      return String(v);
  }
}
const rows = [];
for (const row of table) {
  rows.push(fields.map((f) => text(f, row[f.name])));
}
console.log(JSON.stringify({ fields: fields.map((f) => ({ name: f.name, type: String(f.type) })), rows }));
