/**
 * A capture's events as numbered pages that can be read in any order and by
 * several readers at once (worker threads, parallel-pages.ts). Each page
 * comes back sorted by ts (stably): what is left to the reorder window is
 * the seam between pages. Types only: the formats (sqlite/pages.ts,
 * arrow/source.ts) implement them, open-pages.ts opens them.
 */
import type { EventBatch } from '../event-batch.js';

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
