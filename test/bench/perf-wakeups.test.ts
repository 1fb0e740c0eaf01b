// The bench's reader of `perf sched timehist -w`: lines as perf 6.1 prints them on this machine.
import { describe, expect, it } from 'vitest';
import { parseTimehistWakeups } from '../../bench/attribution/perf-wakeups.js';

describe('parseTimehistWakeups', () => {
  it('reads task wakers, the idle task (a bare name, tid 0) and comms holding brackets and spaces', () => {
    const text = [
      '    7097.291711 [0000]  perf[28511]                                      awakened: migration/0[18]',
      '    7097.296066 [0001]  swapper                                          awakened: rcu_preempt[15]',
      '    7097.345799 [0000]  a [x] b[400/399]                                 awakened: ll sleeper[2]x[401/399]',
      '    7097.350000 [0000]  node[9]                                          runnable  12.0  (not a wakeup line)',
    ].join('\n');
    expect(parseTimehistWakeups(text)).toEqual([
      {
        ts: 7097291711000,
        cpu: 0,
        waker: { tid: 28511, tgid: 28511, comm: 'perf' },
        target: { tid: 18, tgid: 18, comm: 'migration/0' },
      },
      {
        ts: 7097296066000,
        cpu: 1,
        waker: { tid: 0, tgid: 0, comm: 'swapper' },
        target: { tid: 15, tgid: 15, comm: 'rcu_preempt' },
      },
      {
        ts: 7097345799000,
        cpu: 0,
        waker: { tid: 400, tgid: 399, comm: 'a [x] b' },
        target: { tid: 401, tgid: 399, comm: 'll sleeper[2]x' },
      },
    ]);
  });
});
