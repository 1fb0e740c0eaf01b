import type { Command } from 'commander';
import { msg } from '../messages.js';
import { addFilterOptions, filtersOf, str, type Typed } from './filters.js';
import { clearProgress, progressLine } from './progress.js';

export function registerReport(program: Command, _exit: (code: number) => void): void {
  addFilterOptions(
    program
      .command('report')
      .description(
        'write one self-contained HTML report (state timeline, CPU timeline, wakeup graph, distributions, metrics, lifeline, off-CPU flame charts and sleep reasons, critical paths)',
      )
      .argument('<capture>', 'a capture file (SQLite or Arrow)')
      .option('-o, --output <file>', 'the HTML file (default: reports/<capture name>.html)')
      .option('--force', 'overwrite an existing report file')
      .option('--svg <dir>', 'also write each chart as a standalone SVG file into DIR')
      .option('--top <n>', 'at most N thread lanes')
      .option('--utc', 'show times in UTC instead of the recording machine’s time zone')
      .option('--renderer <r>', 'canvas (fast) or svg (inspectable)', 'canvas'),
  ).action(async (file: string, o: Typed) => {
    const { writeReport } = await import('../api.js');
    try {
      const res = await writeReport(file, {
        ...filtersOf(o),
        out: str(o, 'output'),
        force: o.force === true,
        svgDir: str(o, 'svg'),
        top: str(o, 'top'),
        utc: o.utc === true,
        renderer: str(o, 'renderer'),
        onProgress: progressLine('analyzing'),
      });
      clearProgress();
      process.stdout.write(`${msg.reportWritten(res.path, res.bytes)}\n`);
      for (const s of res.svgs) process.stdout.write(`  ${s}\n`);
    } finally {
      clearProgress();
    }
  });
}
