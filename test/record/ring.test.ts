/**
 * The ring buffer under a reader that falls behind (issue 17): the BPF side wakes the
 * reader once as the threshold is crossed and then at most once per 100 ms per CPU —
 * never once per event, which made every event cost an irq_work self-interrupt (and two
 * more events) on the CPU that emitted it. Reads come in bounded batches and the rest
 * stays in the ring, counted by unread().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { openSession, type NativeSession } from '../../src/record/addon.js';
import { RecordDecoder } from '../../src/record/decode.js';
import { Flag, Kind, STACK_EVENT_SIZE, SysVec } from '../../src/format/index.js';
import { skipRecording, skipReason } from '../helpers/root.js';

if (skipRecording) console.warn(`skipping ring buffer tests: ${skipReason}`);

const HOLD_MS = 1500;
const BATCH = 256 << 10;

function run(argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    p.on('error', reject);
    p.on('exit', (code) => resolve(code ?? -1));
  });
}

describe.skipIf(skipRecording)('a reader held back on purpose (real BPF)', () => {
  let session: NativeSession;
  let unreadBefore = 0;
  const sizes: number[] = [];
  let rows = 0;
  let irqWork = 0;
  let lost = 0;

  beforeAll(async () => {
    // A small threshold that the load passes within milliseconds, and stays above:
    // nothing is read while the workload runs.
    session = openSession({ ringBytes: 64 << 20, irqSpans: true, tgid: 0, wakeupBytes: 64 << 10, batchBytes: BATCH });
    const started = Date.now();
    const load = run(['perf', 'bench', 'sched', 'messaging', '-g', '4', '-l', '400']);
    await new Promise((r) => setTimeout(r, HOLD_MS));
    expect(await load).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(HOLD_MS);
    session.detach();
    unreadBefore = session.unread();
    const decoder = new RecordDecoder();
    for (;;) {
      const buf = await session.read(1);
      if (buf === null) break;
      sizes.push(buf.length);
      const b = decoder.decode(buf);
      rows += b.length;
      for (let i = 0; i < b.length; i++)
        if (b.kind[i] === Kind.IRQ_ENTRY && b.flags[i]! & Flag.SYSVEC && b.a[i] === SysVec.IRQ_WORK) irqWork++;
    }
    lost = session.lost().reduce((x, y) => x + y, 0);
  }, 60_000);

  afterAll(() => session?.close());

  it('kept far more than the wakeup threshold waiting, none of it lost', () => {
    expect(unreadBefore).toBeGreaterThan(16 * (64 << 10));
    expect(lost).toBe(0);
    expect(rows).toBeGreaterThan(20_000);
  });

  it('read it back in batches no larger than the cap, and all of it', () => {
    expect(sizes.length).toBeGreaterThan(4);
    // a batch stops at the first record that reaches the cap: it overshoots by less than the
    // largest record (a STACK row; a name row is 112 bytes, and a run saw one cross the cap)
    for (const s of sizes) expect(s).toBeLessThan(BATCH + STACK_EVENT_SIZE);
    // unread() counts the ring's 8-byte record headers too
    const payload = sizes.reduce((x, y) => x + y, 0);
    expect(payload).toBeGreaterThan(unreadBefore * 0.8);
    expect(payload).toBeLessThanOrEqual(unreadBefore);
    expect(session.unread()).toBe(0);
  });

  it('caused no irq_work storm: at most one wakeup per CPU per 100 ms, not one per event', () => {
    const cpus = session.cpus;
    const bound = Math.ceil((HOLD_MS + 1000) / 100) * cpus + 20;
    expect(irqWork).toBeLessThanOrEqual(bound);
    // the same run with a wakeup forced per event had irq_work entries by the ten thousand
    expect(irqWork).toBeLessThan(rows / 100);
  });
});
