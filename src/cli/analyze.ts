import type { Command } from 'commander';
import { addFilterOptions, filtersOf, str, type Typed } from './filters.js';
import { clearProgress, progressLine } from './progress.js';
import { pieceWriter } from './print.js';

/**
 * `sortKeys`: the keys --sort takes, for its help line; main() loads them (with the metric
 * catalogue) only when analyze is the command asked for, the one case its help can show.
 */
export function registerAnalyze(program: Command, _exit: (code: number) => void, sortKeys: readonly string[]): void {
  addFilterOptions(
    program
      .command('analyze')
      .description(
        'replay a capture: per-thread (or per-process) sleeps, bursts, slices, run-queue delay and real wakers',
      )
      .argument('<capture>', 'a capture file (SQLite or Arrow)')
      .option('--by <what>', 'thread or process', 'thread')
      .option('--sort <key>', `sort by ${sortKeys.join('|')}`, 'run')
      .option('--top <n>', 'at most N rows')
      .option('--json', 'print one JSON object (durations in ns)'),
  ).action(async (file: string, o: Typed) => {
    const { analyzeCaptureTo } = await import('../api.js');
    const out = pieceWriter(clearProgress);
    try {
      await analyzeCaptureTo(
        file,
        {
          ...filtersOf(o),
          by: str(o, 'by'),
          sort: str(o, 'sort'),
          top: str(o, 'top'),
          json: o.json === true,
          onProgress: progressLine('analyzing'),
        },
        out.write,
      );
      out.end();
    } finally {
      clearProgress();
    }
  });
}
