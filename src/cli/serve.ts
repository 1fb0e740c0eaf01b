import type { Command } from 'commander';
import { msg } from '../messages.js';
import { str, type Typed } from './filters.js';

export function registerServe(program: Command, _exit: (code: number) => void): void {
  program
    .command('serve')
    .description('export live scheduler metrics for Prometheus (the analyze engine fed by the recorder)')
    .option('--listen <addr:port>', 'address and port to listen on (default 127.0.0.1:9477)')
    .option('--top <n>', 'process names with series of their own, the rest as comm="other" (default 40)')
    .option('--watch <pid|comm...>', 'processes whose threads get series of their own')
    .option('--capture <dir>', 'flight recorder: also write rolling capture segments into DIR')
    .option('--keep <duration>', 'how long capture segments are kept (default 10m)')
    .option('--segment <duration>', 'length of one capture segment (default 1m)')
    .option('--buffer-mb <mib>', 'ring buffer size in MiB, a power of two (default: 8 per CPU, at least 32)')
    .option(
      '--nice <n>',
      "nice value of the exporter's threads, -20 to 19 (default -10: keep up on a saturated machine)",
    )
    .action(async (o: Typed) => {
      const { serve } = await import('../api.js');
      const ac = new AbortController();
      const onSignal = () => ac.abort();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const res = await serve({
          listen: str(o, 'listen'),
          top: str(o, 'top'),
          watch: o.watch as string[] | undefined,
          capture: str(o, 'capture'),
          keep: str(o, 'keep'),
          segment: str(o, 'segment'),
          bufferMb: str(o, 'bufferMb'),
          nice: str(o, 'nice'),
          signal: ac.signal,
          onMessage: (line) => process.stderr.write(`${line}\n`),
        });
        process.stderr.write(`${msg.serveStopped(res.events, res.lost, res.segments.length)}\n`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
