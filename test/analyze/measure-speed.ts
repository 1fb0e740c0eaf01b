/**
 * Replay speed measurement (not a test): ~5 M synthetic, consistent
 * scheduler events on 2 CPUs and 400 threads (LL_THREADS to change), each
 * thread waking two partners or being woken by interrupts, replayed by
 * analyze() with and without detail. Run:
 *   npx tsc --outDir /tmp/ll-speed --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --skipLibCheck test/analyze/measure-speed.ts && node /tmp/ll-speed/test/analyze/measure-speed.js
 */
import { analyze } from '../../src/analyze/index.js';
import { allocBatch, type EventBatch } from '../../src/capture/event-batch.js';
import { Ctx, Flag, Kind } from '../../src/format/index.js';
import type { Capture } from '../../src/capture/types.js';
import { testMeta } from '../helpers/memory-capture.js';

const EVENTS = 5_000_000;
const THREADS = Number(process.env.LL_THREADS ?? 400);
const BATCH = 65_536;

export function synthesize(): EventBatch[] {
  const batches: EventBatch[] = [];
  let b = allocBatch(BATCH);
  let ts = 1_000_000;
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const push = (
    cpu: number,
    kind: number,
    flags: number,
    tid: number,
    tid2: number,
    a: number,
    bb: number,
    c: number,
  ): void => {
    if (b.length === BATCH) {
      batches.push(b);
      b = allocBatch(BATCH);
    }
    const i = b.length++;
    b.ts[i] = ts;
    b.cpu[i] = cpu;
    b.kind[i] = kind;
    b.flags[i] = flags;
    b.tid[i] = tid;
    b.tid2[i] = tid2;
    b.a[i] = a;
    b.b[i] = bb;
    b.c[i] = c;
    ts += 1 + rnd(2000);
  };
  for (let t = 1; t <= THREADS; t++) {
    push(0, Kind.COMM, 0, 1000 + t, 0, 1000 + (t % 40), 0, 0);
    b.names.set(b.length - 1, `worker-${t}`);
  }
  const cur = [1001, 1002];
  const sleeping: number[] = [];
  for (let t = 3; t <= THREADS; t++) sleeping.push(1000 + t);
  const runq: number[] = [];
  let n = THREADS;
  const asleep = new Uint8Array(1000 + THREADS + 1);
  for (const t of sleeping) asleep[t] = 1;
  while (n < EVENTS) {
    const cpu = n & 1;
    // The task on the cpu wakes one of its two partners if one sleeps (a structured wake graph);
    // otherwise an hrtimer or a softirq wakes a random sleeper.
    const me = cur[cpu]!;
    const p1 = 1001 + ((me - 1001 + 1) % THREADS);
    const p2 = 1001 + ((me - 1001 + 2) % THREADS);
    let target = asleep[p1] === 1 && rnd(2) === 0 ? p1 : asleep[p2] === 1 ? p2 : 0;
    let flags: number = Ctx.TASK;
    if (target === 0 && sleeping.length > 0) {
      target = sleeping[rnd(sleeping.length)]!;
      flags = rnd(2) === 0 ? Ctx.HARDIRQ | Flag.SYSVEC : Ctx.SOFTIRQ;
    }
    if (target !== 0) {
      const k = sleeping.indexOf(target);
      sleeping[k] = sleeping[sleeping.length - 1]!;
      sleeping.pop();
      asleep[target] = 0;
      push(cpu, Kind.WAKING, flags, target, me, cpu, 1, flags === Ctx.TASK ? 0 : 7);
      runq.push(target);
      n++;
    }
    // switch: prev sleeps (or is preempted one time in five), next comes off the run queue
    const prev = cur[cpu]!;
    const preempt = rnd(5) === 0;
    const next = runq.shift() ?? prev;
    if (next === prev) continue;
    push(cpu, Kind.SWITCH, preempt ? Flag.PREEMPT : 0, prev, next, preempt ? 0 : 1, 120, 120);
    if (preempt) runq.push(prev);
    else {
      sleeping.push(prev);
      asleep[prev] = 1;
    }
    cur[cpu] = next;
    n++;
  }
  batches.push(b);
  return batches;
}

function capture(batches: EventBatch[]): Capture {
  return {
    format: 'arrow',
    path: ':synthetic:',
    meta: testMeta({ events: batches.reduce((s, x) => s + x.length, 0) }),
    async *batches() {
      yield* batches;
    },
    close() {},
  };
}

async function main(): Promise<void> {
  const batches = synthesize();
  const events = batches.reduce((s, x) => s + x.length, 0);
  for (const detail of [false, false, false, true]) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const a = await analyze(capture(batches), { detail });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(c0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    console.log(
      `${events} events in ${s.toFixed(3)} s = ${(events / s / 1e6).toFixed(1)} M events/s wall, ` +
        `${(events / cpuS / 1e6).toFixed(1)} M events/s of CPU time` +
        `${detail ? ' (with detail)' : ''}; ${a.result.threads.length} threads, ${a.result.reattributed} reattributed`,
    );
  }
}

if (process.argv[1]?.endsWith('measure-speed.js')) await main();
