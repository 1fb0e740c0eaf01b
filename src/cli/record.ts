import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { msg } from '../messages.js';
import { str, type Typed } from './filters.js';

export function registerRecord(program: Command, exit: (code: number) => void): void {
  program
    .command('record')
    .description('record scheduler events of the whole machine while COMMAND runs (or for --duration)')
    .option('-o, --output <file>', 'capture file (default: lifeline-DATE-TIME.db or .arrow)')
    .option('-f, --format <format>', 'sqlite or arrow', 'sqlite')
    .option('-d, --duration <seconds>', 'stop after this many seconds')
    .option('--buffer-mb <mib>', 'ring buffer size in MiB, a power of two (default: 8 per CPU, at least 32)')
    .option('--no-irq-spans', 'do not record irq/softirq spans (wakeup context is still tracked)')
    .option('--no-workqueues', "do not record workqueue items (a kworker's wakeups then have no cause)")
    .option('--pid <tgid>', 'only events involving this process (kernel-side filter)')
    .option('--stacks <which>', 'kernel stacks of each sleep and wakeup: kernel or none', 'kernel')
    .option('--force', 'overwrite an existing capture file (and --mirror file)')
    .option('--mirror <file>', 'also write the same recording to FILE (.arrow: Arrow, else SQLite)')
    .argument('[command...]', 'command to run and record (after --)')
    .action(async (command: string[], o: Typed) => {
      const tty = process.stderr.isTTY;
      const ac = new AbortController();
      const onSignal = () => ac.abort();
      // Before anything slow: a SIGINT during start-up stops the recording cleanly too.
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        // Loaded on use: the CLI's start-up time is part of every recording's fixed cost.
        const { record, formatRecordSummary } = await import('../api.js');
        const res = await record({
          output: str(o, 'output'),
          format: str(o, 'format'),
          durationSec: str(o, 'duration'),
          command: rawCommand(command),
          bufferMb: str(o, 'bufferMb'),
          irqSpans: o.irqSpans !== false,
          workqueues: o.workqueues !== false,
          tgid: str(o, 'pid'),
          stacks: str(o, 'stacks'),
          force: o.force === true,
          mirror: str(o, 'mirror'),
          signal: ac.signal,
          onProgress: tty
            ? (p) => process.stderr.write(`\r${msg.progress(p.elapsedSec, p.eventsPerSec, p.events, p.lost)}\x1b[K`)
            : undefined,
        });
        if (tty) process.stderr.write('\r\x1b[K');
        process.stderr.write(await formatRecordSummary(res));
        if (res.exitCode !== null) exit(res.exitCode);
        else if (res.exitSignal) exit(128 + 15);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

/** Runs of U+FFFD as one: Node's argv and Buffer#toString may replace bad bytes differently. */
const loose = (s: string) => s.replace(/\uFFFD+/g, '\uFFFD');

/**
 * The command as the kernel gave it. Node decodes argv as UTF-8, so bytes that are not (a program
 * named "\xff\xfe-sleep") reach process.argv as U+FFFD and name no file; those elements are
 * taken raw from /proc/self/cmdline, where the command is the tail of the arguments.
 */
function rawCommand(command: string[]): Array<string | Buffer> {
  if (!command.some((c) => c.includes('\uFFFD'))) return command;
  let raw: Buffer[];
  try {
    const all = readFileSync('/proc/self/cmdline');
    raw = [];
    for (let start = 0, end = all.indexOf(0); end >= 0; start = end + 1, end = all.indexOf(0, start))
      raw.push(all.subarray(start, end));
  } catch {
    return command;
  }
  for (let j = raw.length - command.length; j >= 0; j--) {
    if (!command.every((c, i) => loose(raw[j + i]!.toString('utf8')) === loose(c))) continue;
    return command.map((c, i) => (c.includes('\uFFFD') ? raw[j + i]! : c));
  }
  return command;
}
