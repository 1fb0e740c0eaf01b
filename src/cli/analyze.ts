import type { Command } from 'commander';
import { SORT_KEYS } from '../analyze/format-table.js';
import { addFilterOptions, parseFilters, positiveInt } from './filters.js';
import { clearProgress, progressLine } from './progress.js';

async function eventCount(file: string): Promise<number> {
  const { openCapture } = await import('../api.js');
  const cap = await openCapture(file);
  const n = cap.meta.events;
  cap.close();
  return n;
}

export function registerAnalyze(program: Command, _exit: (code: number) => void): void {
  addFilterOptions(
    program
      .command('analyze')
      .description('replay a capture: per-thread (or per-process) sleeps, bursts, slices, run-queue delay and real wakers')
      .argument('<capture>', 'a capture file (SQLite or Arrow)')
      .option('--by <what>', 'thread or process', 'thread')
      .option('--sort <key>', `sort by ${SORT_KEYS.join('|')}`, 'run')
      .option('--top <n>', 'at most N rows')
      .option('--json', 'print one JSON object (durations in ns)'),
  ).action(async (file: string, o: Record<string, unknown>) => {
      const { analyzeCapture } = await import('../api.js');
    const filters = parseFilters(o);
    const top = positiveInt('--top', o.top as string | undefined);
    const onProgress = process.stderr.isTTY ? progressLine('analyzing', await eventCount(file)) : undefined;
    try {
      const out = await analyzeCapture(file, {
        ...filters,
        by: o.by as string,
        sort: o.sort as string,
        top,
        json: o.json === true,
        onProgress,
      });
      clearProgress();
      process.stdout.write(out.endsWith('\n') ? out : out + '\n');
    } finally {
      clearProgress();
    }
  });
}
