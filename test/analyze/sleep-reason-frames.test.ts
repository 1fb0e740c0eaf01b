/** Which frame names a sleep and a wakeup: the first below the scheduler's own, the first outside the wakeup machinery. */
import { describe, expect, it } from 'vitest';
import { sleepReasonOf, wakeFrameOf } from '../../src/analyze/index.js';

describe('sleep reason and waker frames', () => {
  it('skips the tracepoint and the scheduler above the function that chose to sleep', () => {
    expect(
      sleepReasonOf(['__traceiter_sched_switch', '__schedule', 'schedule', 'do_nanosleep', 'hrtimer_nanosleep']),
    ).toBe('do_nanosleep');
    expect(sleepReasonOf(['__schedule', 'schedule', 'schedule_hrtimeout_range_clock', 'do_epoll_wait'])).toBe(
      'do_epoll_wait',
    );
    expect(sleepReasonOf(['__schedule', 'schedule', 'io_schedule', 'folio_wait_bit_common', 'filemap_fault'])).toBe(
      'folio_wait_bit_common',
    );
    expect(sleepReasonOf([])).toBe('(no stack)');
    // nothing but the scheduler (a kernel thread parked): its last frame
    expect(sleepReasonOf(['__schedule', 'schedule'])).toBe('schedule');
  });

  it('skips the wakeup machinery above the function that chose to wake', () => {
    expect(
      wakeFrameOf([
        'try_to_wake_up',
        'autoremove_wake_function',
        '__wake_up_common',
        '__wake_up_sync_key',
        'pipe_write',
      ]),
    ).toBe('pipe_write');
    expect(wakeFrameOf(['try_to_wake_up', 'ep_autoremove_wake_function', '__wake_up_common', 'ep_poll_callback'])).toBe(
      'ep_poll_callback',
    );
    expect(wakeFrameOf(['try_to_wake_up', 'wake_up_q', 'futex_wake', 'do_futex'])).toBe('futex_wake');
    expect(wakeFrameOf(['try_to_wake_up', 'hrtimer_wakeup', '__hrtimer_run_queues'])).toBe('hrtimer_wakeup');
    expect(wakeFrameOf(['try_to_wake_up', 'complete', 'blk_end_sync_rq'])).toBe('blk_end_sync_rq');
  });
});
