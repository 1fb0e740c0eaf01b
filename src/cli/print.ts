/** A command's text to stdout, ended by a newline. */
import { once } from 'node:events';

/**
 * Writes `out` and, when it lacks one, a final newline as a write of its own: `out + '\n'` would
 * copy the whole text first (30 MB for `analyze --json` of a million-event capture: ~0.2 s).
 */
export function printText(out: string): void {
  process.stdout.write(out);
  if (!out.endsWith('\n')) process.stdout.write('\n');
}

/**
 * A writer of a text that comes in pieces (analyzeCaptureTo): each piece is written as it comes,
 * waiting for stdout to drain when it asks to; `end` adds the final newline when the text lacks
 * one. `first` runs before the first piece (to clear a progress line).
 */
export function pieceWriter(first: () => void): { write: (chunk: string) => Promise<void>; end: () => void } {
  let last = '';
  let started = false;
  return {
    async write(chunk: string): Promise<void> {
      if (chunk.length === 0) return;
      if (!started) {
        started = true;
        first();
      }
      last = chunk;
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    },
    end(): void {
      if (!last.endsWith('\n')) process.stdout.write('\n');
    },
  };
}
