import fs from 'node:fs';

/** Size of a file in bytes, 0 when it does not exist. */
export function fileSize(path: string): number {
  try {
    return fs.statSync(path).size;
  } catch {
    return 0;
  }
}

/** Bytes a capture occupies on disk, counting an SQLite -wal beside it. */
export function captureBytes(path: string): number {
  return fileSize(path) + fileSize(`${path}-wal`);
}
