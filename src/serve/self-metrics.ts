/**
 * serve's own health, answered by the main (HTTP) thread whatever the replay thread is
 * doing: the process (prom-client's default metrics), how far the replay is behind real
 * time, how full the ring buffer is, and how old the replay's exposition in this answer is.
 */
import promClient from 'prom-client';
import { monotonicNs } from '../record/host-facts.js';
import { Progress } from './replay-protocol.js';

/** Gauges named _total, which `promtool check metrics` rejects. */
const REJECTED = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export class SelfMetrics {
  readonly registry = new promClient.Registry();
  /** Monotonic ms at which the exposition being served was made. */
  expositionAtMs = Number.NaN;

  constructor(progress: Float64Array) {
    promClient.collectDefaultMetrics({ register: this.registry });
    for (const name of REJECTED) this.registry.removeSingleMetric(name);
    const registers = [this.registry];
    new promClient.Gauge({
      name: 'lifeline_replay_lag_seconds',
      help: 'How far the replay is behind real time: now minus the time of the last event replayed (about 0.15 s when keeping up: the reorder window and the read interval).',
      registers,
      collect() {
        const last = progress[Progress.LAST_TS]!;
        this.set(Number.isNaN(last) ? 0 : Math.max(0, (monotonicNs() - last) * 1e-9));
      },
    });
    new promClient.Gauge({
      name: 'lifeline_ring_buffer_fill_ratio',
      help: 'Share of the ring buffer written and not yet read (events are lost at 1).',
      registers,
      collect() {
        const size = progress[Progress.RING_BYTES]!;
        this.set(size > 0 ? progress[Progress.UNREAD]! / size : 0);
      },
    });
    new promClient.Gauge({
      name: 'lifeline_ring_buffer_size_bytes',
      help: 'Size of the ring buffer between the kernel and lifeline (--buffer-mb).',
      registers,
      collect() {
        this.set(progress[Progress.RING_BYTES]!);
      },
    });
    const madeAt = () => this.expositionAtMs;
    new promClient.Gauge({
      name: 'lifeline_exposition_age_seconds',
      help: 'Age of the replay figures in this answer (above 0 when the replay thread was too busy to answer in time).',
      registers,
      collect() {
        const at = madeAt();
        this.set(Number.isNaN(at) ? 0 : Math.max(0, (performance.now() - at) / 1000));
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
