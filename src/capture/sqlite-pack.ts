/**
 * The SQLite pack extension (native/sqlite-pack.c, built with the addon): an aggregate that hands a
 * page of events over as one buffer. Loaded into each connection that reads pages; a capture is
 * still read without it (the text path, src/capture/sqlite/pages.ts) when it was not built.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';

// two levels up from this module in src/capture, dist/capture and dist/bundle alike
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PACK_EXTENSION_PATH = path.join(root, 'build', 'Release', 'sqlite_pack.node');

/** Loads the extension into `db`; false when it cannot be (not built, or refused). */
export function loadPack(db: Database.Database): boolean {
  try {
    // the entry point is the one SQLite derives from the file name: sqlite3_sqlitepack_init
    db.loadExtension(PACK_EXTENSION_PATH);
    return true;
  } catch {
    return false;
  }
}
