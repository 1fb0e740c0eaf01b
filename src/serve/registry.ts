/**
 * Families held as label sets → values and handed to prom-client's Registry,
 * which writes the text exposition (escaping label values). Counters only go
 * up: they are fed deltas.
 */
import promClient from 'prom-client';

type Labels = Record<string, string>;

interface Sample {
  /** _sum / _count for a summary, '' otherwise. */
  suffix: string;
  labels: Labels;
  value: number;
}

/** A counter or gauge family whose series this exporter sets itself. */
export class Family {
  readonly series = new Map<string, Sample>();
  readonly aggregator = 'sum' as const;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'summary',
    readonly labelNames: readonly string[],
  ) {}

  /** The series key of label values (and a summary's suffix). */
  static key(values: readonly string[], suffix = ''): string {
    return `${values.join('\u0000')}\u0001${suffix}`;
  }

  /** Adds to a counter (creating the series at 0 first). */
  add(values: readonly string[], delta: number, suffix = ''): void {
    const k = Family.key(values, suffix);
    let s = this.series.get(k);
    if (s === undefined) {
      const labels: Labels = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i]!));
      s = { suffix, labels, value: 0 };
      this.series.set(k, s);
    }
    if (delta > 0) s.value += delta;
  }

  set(values: readonly string[], value: number): void {
    this.add(values, 0);
    this.series.get(Family.key(values))!.value = value;
  }

  /** Removes the series whose label `name` has the value `value`. */
  removeWhere(name: string, value: string): void {
    for (const [k, s] of this.series) if (s.labels[name] === value) this.series.delete(k);
  }

  /** Removes the series whose labels have every given value. */
  removeMatching(want: Readonly<Labels>): void {
    const pairs = Object.entries(want);
    for (const [k, s] of this.series) if (pairs.every(([n, v]) => s.labels[n] === v)) this.series.delete(k);
  }

  get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.series.values()].map((s) => ({
        metricName: `${this.name}${s.suffix}`,
        labels: s.labels,
        value: s.value,
      })),
    };
  }
}

/** Whole nanoseconds as seconds, in exact decimal digits (16384000 → "0.016384"). */
export function nsAsSeconds(ns: number): string {
  const digits = String(Math.round(ns)).padStart(10, '0');
  const whole = digits.slice(0, -9).replace(/^0+(?=\d)/, '');
  const frac = digits.slice(-9).replace(/0+$/, '');
  return frac === '' ? whole : `${whole}.${frac}`;
}

/** A classic histogram (cumulative buckets) read from counts kept elsewhere. */
export class HistogramFamily {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly parts: {
    labels: Labels;
    read: () => {
      bounds: readonly number[];
      /** A bound as its `le` label (default: String); exact, never float noise. */
      le?: (bound: number) => string;
      cumulative: number[];
      sum: number;
      count: number;
    };
  }[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  part(labels: Labels, read: HistogramFamily['parts'][number]['read']): this {
    this.parts.push({ labels, read });
    return this;
  }

  get series(): { size: number } {
    let size = 0;
    for (const p of this.parts) size += p.read().bounds.length + 3;
    return { size };
  }

  get() {
    const values: { metricName: string; labels: Labels; value: number }[] = [];
    for (const p of this.parts) {
      const h = p.read();
      h.bounds.forEach((b, i) =>
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...p.labels, le: (h.le ?? String)(b) },
          value: h.cumulative[i]!,
        }),
      );
      values.push({ metricName: `${this.name}_bucket`, labels: { ...p.labels, le: '+Inf' }, value: h.count });
      values.push({ metricName: `${this.name}_sum`, labels: p.labels, value: h.sum });
      values.push({ metricName: `${this.name}_count`, labels: p.labels, value: h.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

export type AnyFamily = Family | HistogramFamily;

export class Exposition {
  private readonly registry = new promClient.Registry();
  readonly families: AnyFamily[] = [];
  readonly contentType = promClient.Registry.PROMETHEUS_CONTENT_TYPE;

  add<F extends AnyFamily>(f: F): F {
    this.families.push(f);
    this.registry.registerMetric(f as unknown as promClient.Metric);
    return f;
  }

  /** Series currently exposed (histogram buckets, _sum and _count included). */
  seriesCount(): number {
    return this.families.reduce((n, f) => n + f.series.size, 0);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
