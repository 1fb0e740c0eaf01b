/** Chart data carries times in ms since the capture start, kept to 0.1 µs. */
export function toMs(ns: number): number {
  return Math.round(ns / 100) / 1e4;
}

/** Durations in chart data stay in ns (log axes label them in s / ms / µs). */
export function roundNs(ns: number): number {
  return Math.round(ns);
}
