/**
 * Opens the pages of a PageSpec (pages.ts) in any thread: each format's pages
 * module is loaded only when used. The formats import pages.ts, never this
 * module, so there is no import circle between them.
 */
import { LifelineError } from '../../errors.js';
import { msg } from '../../messages.js';
import { captureErrors, firstLine } from '../capture-errors.js';
import type { PageSource, PageSpec } from './pages.js';

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
      const [{ default: Database }, { SqlitePages }] = await Promise.all([
        import('better-sqlite3'),
        import('../sqlite/pages.js'),
      ]);
      const db = new Database(spec.path, { readonly: true, fileMustExist: true });
      const pages = new SqlitePages(spec.shownAs, db, { starts: spec.starts, last: spec.last }, spec.cpus);
      return { pages: pages.pages, read: (p) => pages.read(p), close: () => db.close() };
    }
    const { ArrowPages } = await import('../arrow/source.js');
    return new ArrowPages(spec.path, spec.schema, spec.spans, spec.metaKind, spec.cpus);
  } catch (err) {
    throw pageError(spec, err);
  }
}
