import type { Command } from 'commander';
import { addFilterOptions, parseFilters, positiveInt } from './filters.js';

export function registerReport(program: Command, _exit: (code: number) => void): void {
  addFilterOptions(
    program
      .command('report')
      .description('write one self-contained HTML report (state timeline, CPU timeline, wakeup graph, distributions, metrics, lifeline)')
      .argument('<capture>', 'a capture file (SQLite or Arrow)')
      .option('-o, --output <file>', 'the HTML file (default: reports/<capture name>.html)')
      .option('--svg <dir>', 'also write each chart as a standalone SVG file into DIR')
      .option('--top <n>', 'at most N thread lanes')
      .option('--utc', 'show times in UTC instead of the recording machine’s time zone')
      .option('--renderer <r>', 'canvas (fast) or svg (inspectable)', 'canvas'),
  ).action(async (file: string, o: Record<string, unknown>) => {
    const { writeReport } = await import('../report/index.js');
    const filters = parseFilters(o);
    const res = await writeReport(file, {
      ...filters,
      out: o.output as string | undefined,
      svgDir: o.svg as string | undefined,
      top: positiveInt('--top', o.top as string | undefined),
      utc: o.utc === true,
      renderer: o.renderer === 'svg' ? 'svg' : 'canvas',
    });
    process.stdout.write(`report written to ${res.path} (${(res.bytes / 1e6).toFixed(1)} MB)\n`);
    for (const s of res.svgs) process.stdout.write(`  ${s}\n`);
  });
}
