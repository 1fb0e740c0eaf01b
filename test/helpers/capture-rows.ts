import { openCapture } from '../../src/capture/index.js';
import { rowAt, type EventRow } from '../../src/capture/event-batch.js';
import type { CaptureMeta } from '../../src/capture/meta.js';
import { Kind } from '../../src/format/index.js';

export interface CaptureRows {
  meta: CaptureMeta;
  rows: EventRow[];
  /** tid -> latest comm seen in COMM rows. */
  comm: Map<number, string>;
  /** symbol id -> name, from SYM rows. */
  sym: Map<number, string>;
}

/** Every event of a capture as plain rows (small captures only: tests). */
export async function readRows(path: string): Promise<CaptureRows> {
  const cap = await openCapture(path);
  const rows: EventRow[] = [];
  try {
    for await (const b of cap.batches()) for (let i = 0; i < b.length; i++) rows.push(rowAt(b, i));
  } finally {
    cap.close();
  }
  const comm = new Map<number, string>();
  const sym = new Map<number, string>();
  for (const r of rows) {
    if (r.kind === Kind.COMM && r.name !== undefined) comm.set(r.tid, r.name);
    if (r.kind === Kind.SYM && r.name !== undefined) sym.set(r.c, r.name);
  }
  return { meta: cap.meta, rows, comm, sym };
}
