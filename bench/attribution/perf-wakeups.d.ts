export interface PerfTask {
  tid: number;
  tgid: number;
  comm: string;
}
export interface PerfWakeup {
  ts: number;
  cpu: number;
  waker: PerfTask;
  target: PerfTask;
}
export function parseTimehistWakeups(text: string): PerfWakeup[];
