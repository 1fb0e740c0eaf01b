/**
 * The kernel's task state bits (include/linux/sched.h), as a switch record's prev_state carries
 * them (SWITCH.a), and their one reading as the letters of ps(1) / perf sched: the engine's
 * states (analyze), the SQLite views (capture) and Perfetto's prev_state (export) all decode
 * them from here.
 */
export const TaskState = {
  INTERRUPTIBLE: 0x1,
  UNINTERRUPTIBLE: 0x2,
  STOPPED: 0x4,
  TRACED: 0x8,
  EXIT_DEAD: 0x10,
  EXIT_ZOMBIE: 0x20,
  PARKED: 0x40,
  DEAD: 0x80,
  NOLOAD: 0x400,
} as const;

/** TASK_IDLE: an uninterruptible sleep that does not count as load (kernel threads waiting for work). */
export const TASK_IDLE = TaskState.UNINTERRUPTIBLE | TaskState.NOLOAD;

/** TASK_REPORT: the state bits sched_switch reports (interruptible to parked). */
export const TASK_REPORT = 0x7f;

/**
 * prev_state as a letter, first rule that holds: `all` bits all set, or `any` of them set.
 * 0 is R (runnable: preempted or yielded); an unknown combination is '?'.
 */
export const STATE_LETTERS: readonly { letter: string; all?: number; any?: number }[] = [
  { letter: 'I', all: TASK_IDLE },
  { letter: 'S', any: TaskState.INTERRUPTIBLE },
  { letter: 'D', any: TaskState.UNINTERRUPTIBLE },
  { letter: 'T', any: TaskState.STOPPED },
  { letter: 't', any: TaskState.TRACED },
  { letter: 'X', any: TaskState.DEAD | TaskState.EXIT_DEAD },
  { letter: 'Z', any: TaskState.EXIT_ZOMBIE },
  { letter: 'P', any: TaskState.PARKED },
];

export function stateLetter(raw: number): string {
  if (raw === 0) return 'R';
  for (const r of STATE_LETTERS)
    if (r.all !== undefined ? (raw & r.all) === r.all : (raw & r.any!) !== 0) return r.letter;
  return '?';
}

/** The same reading as an SQL CASE over the integer column `col`. */
export function stateLetterSql(col: string): string {
  const whens = STATE_LETTERS.map((r) =>
    r.all !== undefined
      ? `WHEN (${col} & ${r.all}) = ${r.all} THEN '${r.letter}'`
      : `WHEN ${col} & ${r.any!} THEN '${r.letter}'`,
  );
  return `CASE\n    WHEN ${col} = 0 THEN 'R'\n    ${whens.join('\n    ')}\n    ELSE '?' END`;
}
