// node bench/lib/encode-alone.js DIR: what the Parquet encoder alone costs, on one CPU, warm: the
// events and wakeups tables of an export in DIR are read back into Arrow and written again with
// the export's own writer properties (dist/export/parquet/encoder.js), nothing else running. A
// warm-up write first (WebAssembly tiers up), then the median of 3 writes of each table, printed
// as JSON: { events: { rows, ms }, wakeups: { rows, ms } }.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readParquet, writeParquet, Table } from 'parquet-wasm/node';
import { median } from './run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
const { writerProperties } = await import(dist('export/parquet/encoder.js'));
const { EVENT_COLUMNS } = await import(dist('export/parquet/events-table.js'));
const { WAKEUP_COLUMNS } = await import(dist('export/parquet/analysis-tables.js'));

const dir = process.argv[2];
const out = {};
for (const [name, columns] of [
  ['events', EVENT_COLUMNS],
  ['wakeups', WAKEUP_COLUMNS],
]) {
  const read = readParquet(readFileSync(path.join(dir, `${name}.parquet`)));
  const rows = read.recordBatches().reduce((n, b) => n + b.numRows, 0);
  const ipc = read.intoIPCStream();
  const write = () => {
    const t = Table.fromIPCStream(ipc);
    const start = performance.now();
    writeParquet(t, writerProperties(columns, {}));
    return performance.now() - start;
  };
  write();
  out[name] = { rows, ms: median([write(), write(), write()]) };
}
console.log(JSON.stringify(out));
