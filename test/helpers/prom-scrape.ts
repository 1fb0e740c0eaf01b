/** The seed scenario's plumbing (prometheus scraping node_exporter) shared by the recorded tests. */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Polls prometheus' API for its number of scrapes of the exporter; creates `stopFile` at `want`. */
export function watchScrapes(port: number, want: number, stopFile: string): { stop: () => void } {
  const timer = setInterval(() => {
    const q = encodeURIComponent('sum(count_over_time(up[5m]))');
    fetch(`http://127.0.0.1:${port}/api/v1/query?query=${q}`)
      .then((res) => res.json() as Promise<{ data?: { result?: { value?: [number, string] }[] } }>)
      .then((j) => {
        if (Number(j.data?.result?.[0]?.value?.[1] ?? 0) >= want) writeFileSync(stopFile, '');
      })
      .catch(() => undefined); // not listening yet
  }, 500);
  return { stop: () => clearInterval(timer) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr !== null ? addr.port : 0));
    });
  });
}
