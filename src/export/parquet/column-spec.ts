/** A table's columns as the dataset declares them, and the sizes its files are written in. */

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
   * dict: a dictionary (few distinct values: names, kinds; a string column is then an Arrow
   * dictionary too); delta: DELTA_BINARY_PACKED (times, ascending); plain: neither. Default: the
   * writer's (a dictionary while it stays small).
   */
  encoding?: 'dict' | 'delta' | 'plain';
  /** Min/max statistics for readers that skip row groups (default true; off for long free text). */
  statistics?: boolean;
}

/** Rows per Parquet row group (the writer gathers the batches handed to it up to this). */
export const ROW_GROUP_ROWS = 64 * 1024;
/** Rows per batch handed over by callers that gather rows themselves. */
export const BATCH_ROWS = 32 * 1024;
