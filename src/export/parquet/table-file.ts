/**
 * One Parquet file of the dataset: a table's columns declared once (name,
 * type, nullable), rows gathered into a row group and written as it fills,
 * through hyparquet-writer, into an OutputFile (written beside its name and
 * renamed into place on commit). Memory holds one row group per table,
 * whatever the number of rows.
 */
import { gzipSync } from 'node:zlib';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';
import { OutputFile } from '../output-file.js';

/**
 * int64 / int32 / uint16 / double / bool / string: one value a row; timestamp: ns since the
 * epoch as a Parquet TIMESTAMP(NANOS, UTC); int64_list / string_list: a list a row.
 */
export type ColumnType =
  'int64' | 'int32' | 'uint16' | 'double' | 'bool' | 'string' | 'timestamp' | 'int64_list' | 'string_list';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** May hold null (default false). */
  nullable?: boolean;
  /**
   * dict: a dictionary always (few distinct values: names, kinds); delta: DELTA_BINARY_PACKED
   * (times, ascending); plain: neither. Default: the writer decides from a sample.
   */
  encoding?: 'dict' | 'delta' | 'plain';
  /** Min/max statistics for readers that skip row groups (default true; off for long free text). */
  statistics?: boolean;
}

const ENCODINGS = { dict: 'RLE_DICTIONARY', delta: 'DELTA_BINARY_PACKED', plain: 'PLAIN' } as const;

/** A row group's values of one column: a typed array or a plain array (null where nullable). */
export type ColumnValues = ArrayLike<unknown>;

/** Rows per row group. */
export const ROW_GROUP_ROWS = 32 * 1024;
/** Bytes gathered in memory before they go to the file. */
const FLUSH_BYTES = 1 << 20;

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

function leaf(c: ColumnSpec): SchemaElement[] {
  const repetition_type = c.nullable === true ? 'OPTIONAL' : 'REQUIRED';
  const base = { name: c.name, repetition_type } as const;
  switch (c.type) {
    case 'int64':
      return [{ ...base, type: 'INT64' }];
    case 'int32':
      return [{ ...base, type: 'INT32' }];
    case 'uint16':
      return [{ ...base, type: 'INT32', converted_type: 'UINT_16' }];
    case 'double':
      return [{ ...base, type: 'DOUBLE' }];
    case 'bool':
      return [{ ...base, type: 'BOOLEAN' }];
    case 'string':
      return [{ ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } }];
    case 'timestamp':
      return [{ ...base, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' } }];
    case 'int64_list':
    case 'string_list': {
      const element: SchemaElement =
        c.type === 'int64_list'
          ? { name: 'element', type: 'INT64', repetition_type: 'REQUIRED' }
          : {
              name: 'element',
              type: 'BYTE_ARRAY',
              converted_type: 'UTF8',
              logical_type: { type: 'STRING' },
              repetition_type: 'REQUIRED',
            };
      return [
        { ...base, converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        element,
      ];
    }
  }
}

/** A writer that hands what it gathered to the output file once it passes FLUSH_BYTES. */
class SinkWriter extends ByteWriter {
  constructor(private readonly file: OutputFile) {
    super(FLUSH_BYTES);
  }

  private drain(): void {
    if (this.index === 0) return;
    this.file.write(new Uint8Array(this.buffer.slice(0, this.index)));
    this.index = 0;
  }

  override ensure(size: number): void {
    if (this.index > FLUSH_BYTES) this.drain();
    super.ensure(size);
  }

  flush(): void {
    this.drain();
  }

  override finish(): void {
    this.drain();
  }
}

const gzip = (input: Uint8Array): Uint8Array => gzipSync(input, { level: 1 });

export class TableFile {
  private readonly file: OutputFile;
  private readonly writer: ParquetWriter;
  /** The row group being gathered, one array per column. */
  private pending: unknown[][];
  rows = 0;

  constructor(
    readonly path: string,
    readonly columns: readonly ColumnSpec[],
    kv: Record<string, string>,
  ) {
    this.file = new OutputFile(path);
    const schema: SchemaElement[] = [{ name: 'schema', num_children: columns.length }, ...columns.flatMap(leaf)];
    this.writer = new ParquetWriter({
      writer: new SinkWriter(this.file),
      schema,
      codec: 'GZIP',
      compressors: { GZIP: gzip },
      kvMetadata: Object.entries(kv).map(([key, value]) => ({ key, value })),
      createdBy: 'lifeline',
    });
    this.pending = columns.map(() => []);
  }

  /** Adds one row, its values in the order of `columns`. */
  add(values: readonly unknown[]): void {
    for (let i = 0; i < values.length; i++) this.pending[i]!.push(values[i]);
    if (this.pending[0]!.length >= ROW_GROUP_ROWS) this.flushRows();
  }

  private flushRows(): void {
    const n = this.pending[0]!.length;
    if (n === 0) return;
    this.writeGroup(
      this.pending.map((vals, i) => {
        const c = this.columns[i]!;
        if (c.type === 'int64' || c.type === 'timestamp')
          return vals.map((v) =>
            v === null || v === undefined ? null : typeof v === 'bigint' ? v : BigInt(Math.round(v as number)),
          );
        if (c.type === 'int64_list') return vals.map((v) => (v as number[]).map((x) => BigInt(Math.round(x))));
        return vals;
      }),
      n,
    );
    this.pending = this.columns.map(() => []);
  }

  /**
   * Writes one row group of `n` rows from whole columns (int64 and timestamp columns as
   * BigInt64Array or arrays of bigint).
   */
  writeGroup(values: readonly ColumnValues[], n: number): void {
    const columnData: ColumnSource[] = this.columns.map((c, i) => ({
      name: c.name,
      data: values[i] as ColumnSource['data'],
      statistics: c.statistics ?? true,
      ...(c.encoding !== undefined && { encoding: ENCODINGS[c.encoding] }),
    }));
    void this.writer.write({ columnData, rowGroupSize: n });
    this.rows += n;
  }

  /** Writes what is gathered and the footer (the file is whole, not yet in place). */
  finish(): void {
    this.flushRows();
    void this.writer.finish();
  }

  /** Moves the whole file into place. */
  commit(): void {
    this.file.commit();
  }

  abort(): void {
    this.file.abort();
  }

  get bytes(): number {
    return this.file.bytes;
  }
}
