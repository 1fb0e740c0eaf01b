/** What a capture records about the machine and its clocks. */
import os from 'node:os';

/** CLOCK_MONOTONIC ns, the clock of bpf_ktime_get_ns (Node's hrtime is CLOCK_MONOTONIC on Linux). */
export function monotonicNs(): number {
  return Number(process.hrtime.bigint());
}

/** Wall ms = monotonic ns / 1e6 + offset; sampled as the tightest of a few reads. */
export function clockOffsetMs(): number {
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 5; i++) {
    const m0 = monotonicNs();
    const wall = Date.now();
    const m1 = monotonicNs();
    if (m1 - m0 < best) {
      best = m1 - m0;
      offset = wall - (m0 + m1) / 2 / 1e6;
    }
  }
  return offset;
}

export function hostFacts(): {
  kernel: string;
  kernelVersion: string;
  machine: string;
  hostname: string;
  timezone: string;
} {
  return {
    kernel: os.release(),
    kernelVersion: os.version(),
    machine: os.machine(),
    hostname: os.hostname(),
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  };
}
