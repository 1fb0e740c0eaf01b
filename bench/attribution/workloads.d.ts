/** An answer to "who woke this thread": a task (tid 0: the idle task), an interrupt, or unknown. */
export interface Answer {
  kind: 'task' | 'hardirq' | 'softirq' | 'nmi' | 'unknown';
  tid?: number;
  tgid?: number;
  comm?: string;
  name?: string;
}
export interface Workload {
  name: string;
  about: string;
  known: string;
  bins: string[];
  commands?: string[];
  prepare?: (dir: string) => Promise<Record<string, unknown>>;
  shell: (ids: string, dir: string, scale: number, extra: Record<string, unknown>) => string;
  parse: (ids: string) => Record<string, number | number[]>;
  pids?: (truth: Record<string, number | number[]>) => number[];
  tids?: (truth: Record<string, number | number[]>) => number[];
  also?: (truth: Record<string, number | number[]>) => number[];
  /** How many sleeps the design makes (max null: no upper bound); none: not known in advance. */
  sleeps?: (truth: Record<string, unknown>, scale: number) => { min: number; max: number | null };
  /** Its D sleeps are within the design's count (otherwise a D sleep, a page-in, is outside it). */
  dByDesign?: boolean;
  right: (a: Answer, tid: number, truth: Record<string, unknown>, tgidOf: (tid: number) => number) => boolean;
}
export declare const WORKLOADS: Workload[];
export declare function wl(name: string): string;
export declare function diskOf(dir: string): { disk: { name: string; irqs: string[] } };
export declare function diskCompletion(a: Answer, disk: { name: string; irqs: string[] }): boolean;
