/** The Parquet dataset's line in the export registry. */
import type { DatasetFormat } from '../format.js';
import type { ParquetExportResult } from './export-parquet.js';
import { PARQUET_TABLES } from './layout.js';

export const parquetFormat: DatasetFormat<ParquetExportResult> = {
  name: 'parquet',
  output: 'dataset',
  extension: '-parquet',
  about: 'a Parquet dataset (events, tasks, threads, processes, wakeups, edges) for DuckDB, polars, Spark or Trino',
  tables: PARQUET_TABLES,
  async load() {
    const { exportParquet } = await import('./export-parquet.js');
    return { writeDataset: exportParquet, notes: () => [] };
  },
};
