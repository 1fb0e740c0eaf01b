import type { Command } from 'commander';
import { errorLine } from './error-line.js';
import { str, type Typed } from './filters.js';
import { clearProgress, progressLine } from './progress.js';
import { EXPORT_FORMATS } from '../options/export-formats.js';

const formats = EXPORT_FORMATS.map((f) => `${f.name}: ${f.about}`).join('; ');
const defaults = EXPORT_FORMATS.map((f) => `${f.extension} for ${f.name}`).join(', ');

/** Whether any --path-* option was given. */
function pathAsked(o: Typed): boolean {
  return ['pathTid', 'pathBurst', 'pathLongest', 'pathFrom', 'pathTo'].some((k) => o[k] !== undefined);
}

export function registerExport(program: Command, _exit: (code: number) => void): void {
  program
    .command('export')
    .description(`write the capture in another tool's format (${formats})`)
    .argument('<capture>', 'a capture file (SQLite or Arrow)')
    .option(
      '--to <format|seconds>',
      `the format to write (${EXPORT_FORMATS.map((f) => f.name).join(', ')}; default ${EXPORT_FORMATS[0].name}), or, given as a number, the end of the window in seconds from the capture start; may be given twice`,
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      '-o, --output <path>',
      `the file to write, or the directory of a dataset (default: reports/<capture name>${defaults})`,
    )
    .option('--force', 'overwrite an existing output file (of a dataset: its files that exist)')
    .option('--host <name>', "a dataset's host column (default: the capture's hostname)")
    .option('--partition', 'a dataset in hive-style folders: <table>/host=…/date=…/<capture>.parquet')
    .option('--from <seconds>', 'start of the window, seconds from the capture start')
    .option('--until <seconds>', 'end of the window, seconds from the capture start (the same as --to SECONDS)')
    .option('--path-tid <tid>', "also a track with the critical path of this thread's longest burst (lifeline path)")
    .option('--path-burst <n>', "the path of the thread's n-th burst instead")
    .option('--path-longest [n]', 'the paths of its n longest bursts instead, one track each')
    .option('--path-from <seconds>', 'the path of the interval from here (with --path-to) instead')
    .option('--path-to <seconds>', 'the end of that interval')
    .action(async (file: string, o: Typed & { to?: string[] }) => {
      const { exportCapture } = await import('../api.js');
      const { msg } = await import('../messages.js');
      try {
        const res = await exportCapture(file, {
          to: o.to ?? [],
          out: str(o, 'output'),
          force: o.force === true,
          from: str(o, 'from'),
          until: str(o, 'until'),
          host: str(o, 'host'),
          partition: o.partition === true,
          ...(pathAsked(o) && {
            path: {
              tid: str(o, 'pathTid'),
              burst: str(o, 'pathBurst'),
              longest: o.pathLongest === true ? true : str(o, 'pathLongest'),
              from: str(o, 'pathFrom'),
              to: str(o, 'pathTo'),
            },
          }),
          onProgress: progressLine('exporting'),
        });
        clearProgress();
        for (const note of res.notes) process.stderr.write(`lifeline: ${errorLine(note)}\n`);
        const line =
          res.files !== undefined
            ? msg.datasetWritten(res.path, res.files, res.bytes, res.written ?? res.events)
            : msg.exportWritten(res.path, res.bytes, res.events);
        process.stdout.write(line + '\n');
      } finally {
        clearProgress();
      }
    });
}
