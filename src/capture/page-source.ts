/**
 * A capture's events as numbered pages that can be read in any order and by
 * several readers at once (worker threads, parallel-pages.ts). Each page
 * comes back sorted by ts (stably): what is left to the reorder window is
 * the seam between pages.
 */
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { captureErrors, firstLine } from './capture-errors.js';
import type { EventBatch } from './event-batch.js';

export interface PageSource {
  readonly pages: number;
  /** Page `page` in file order (unsorted); throws a LifelineError when it cannot be read. */
  read(page: number): EventBatch;
  close(): void;
}

/** A byte range of an Arrow stream. */
export interface Span {
  start: number;
  end: number;
}

/** Enough to open the same pages in another thread, with the same boundaries. */
export type PageSpec =
  /**
   * `path` is the file to open, `shownAs` the capture's name in messages (they differ for a
   * private copy); page p holds the rowids in [starts[p], starts[p + 1]), the last one up to `last`.
   */
  | { format: 'sqlite'; path: string; shownAs: string; starts: number[]; last: number; cpus: number }
  | { format: 'arrow'; path: string; schema: Span; spans: Span[]; metaKind: number; cpus: number };

/** A failure to open or read pages, as the one-line error of that format. */
export function pageError(spec: PageSpec, err: unknown): LifelineError {
  if (err instanceof LifelineError) return err;
  return spec.format === 'sqlite'
    ? captureErrors.damaged(spec.shownAs, msg.damageSqlite(firstLine(err)))
    : captureErrors.damaged(spec.path, msg.damageArrowMessage(firstLine(err)));
}

/** Opens the pages a spec describes (a worker's side; each format's library loads only when used). */
export async function openPages(spec: PageSpec): Promise<PageSource> {
  try {
    if (spec.format === 'sqlite') {
      const [{ default: Database }, { SqlitePages }] = await Promise.all([import('better-sqlite3'), import('./sqlite-pages.js')]);
      const db = new Database(spec.path, { readonly: true, fileMustExist: true });
      const pages = new SqlitePages(spec.shownAs, db, { starts: spec.starts, last: spec.last }, spec.cpus);
      return { pages: pages.pages, read: (p) => pages.read(p), close: () => db.close() };
    }
    const { ArrowPages } = await import('./arrow-source.js');
    return new ArrowPages(spec.path, spec.schema, spec.spans, spec.metaKind, spec.cpus);
  } catch (err) {
    throw pageError(spec, err);
  }
}
