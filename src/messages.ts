/** Every user-facing sentence of lifeline, in one place. */
export const msg = {
  // capture
  notFound: (path: string) => `cannot open ${path}: no such file`,
  notACapture: (path: string) => `${path} is not a lifeline capture (neither SQLite nor Arrow IPC)`,
  foreignSqlite: (path: string) => `${path} is an SQLite database but not a lifeline capture (no meta table)`,
  foreignArrow: (path: string) => `${path} is an Arrow file but not a lifeline capture (schema lacks lifeline metadata)`,
  truncated: (path: string, why: string) => `${path} is truncated or damaged: ${why}`,
  newerFormat: (path: string, v: number) => `${path} uses capture format ${v}, newer than this lifeline understands`,
  outputDirMissing: (dir: string) => `cannot write the capture: directory ${dir} does not exist`,
  outputExists: (path: string) => `${path} already exists (use --force to overwrite it)`,
  badFormat: (f: string) => `unknown capture format "${f}" (use sqlite or arrow)`,
  // record
  commandNotFound: (cmd: string) => `cannot run ${cmd}: command not found`,
  badDuration: (s: string) => `--duration must be a positive number of seconds, not "${s}"`,
  badBuffer: (s: string) => `--buffer-mb must be a power of two (e.g. 16, 32, 64), not "${s}"`,
  progress: (sec: number, rate: number, events: number, lost: number) =>
    `recording ${sec.toFixed(0)} s  ${Math.round(rate).toLocaleString('en-US')} events/s  ${events.toLocaleString('en-US')} events  lost ${lost}`,
  lostEvents: (n: number) => `warning: ${n} events were lost (ring buffer full); enlarge it with --buffer-mb`,
  loadFailed: (first: string) => `${first} (run with LIFELINE_DEBUG=1 to print the verifier log)`,
  notRoot: () => 'lifeline record needs root (or CAP_BPF and CAP_PERFMON): run it with sudo',
  recordSummaryHeader: (file: string) => `capture written to ${file}`,
  noAddon: (why: string) => `the native recorder is not built (${why}); run: npm run build`,
} as const;
