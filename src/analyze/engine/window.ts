/**
 * The analysis window in absolute ns. Durations are counted when both of
 * their ends lie inside it; time on a CPU is clipped to it.
 */
export interface Window {
  from: number;
  to: number;
}

export function windowFor(startNs: number, fromNs: number | undefined, toNs: number | undefined): Window {
  return {
    from: fromNs === undefined ? -Infinity : startNs + fromNs,
    to: toNs === undefined ? Infinity : startNs + toNs,
  };
}
