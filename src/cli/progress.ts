import { grouped } from '../messages.js';

/** A progress line on stderr, only when stderr is a terminal. */
export function progressLine(label: string): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (done: number, total: number) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    const pct = total > 0 ? Math.min(100, (done / total) * 100) : 0;
    const width = 30;
    const fill = Math.round((pct / 100) * width);
    process.stderr.write(
      `\r${label} [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${pct.toFixed(0)}%  ${grouped(done)} events\x1b[K`,
    );
  };
}

export function clearProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}
