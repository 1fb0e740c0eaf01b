/**
 * The SQLite capture schema: the events and meta tables that lifeline reads,
 * small lookup tables, and views that spell the events out for people using
 * `sqlite3` (docs/capture-format.md).
 */
import {
  CTX_NAMES,
  Flag,
  Kind,
  KIND_NAMES,
  SOFTIRQ_NAMES,
  StackFlag,
  stateLetterSql,
  SYSVEC_NAMES,
} from '../../format/index.js';

export const EVENT_COLUMNS = ['ts', 'cpu', 'kind', 'flags', 'tid', 'tid2', 'a', 'b', 'c', 'name', 'stack'] as const;

const TABLES = `
CREATE TABLE events(ts INTEGER, cpu INTEGER, kind INTEGER, flags INTEGER, tid INTEGER,
  tid2 INTEGER, a INTEGER, b INTEGER, c INTEGER, name TEXT, stack INTEGER);
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE kind_names(kind INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE ctx_names(ctx INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE sysvec_names(vec INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE softirq_names(vec INTEGER PRIMARY KEY, name TEXT);
`;

/** prev_state bits of sched_switch as the letters of ps(1) / perf sched (src/format/task-state.ts). */
const STATE_LETTER = stateLetterSql('e.a');

const CTX = `(e.flags & ${Flag.CTX_MASK})`;
const bit = (flag: number) => `((e.flags & ${flag}) != 0)`;

const VIEWS = `
CREATE VIEW symbols AS
  SELECT c AS id, name FROM events WHERE kind = ${Kind.SYM};

CREATE VIEW stacks AS
  SELECT tid AS id, a AS depth, (flags & ${StackFlag.TRUNCATED}) != 0 AS truncated, name AS frames
  FROM events WHERE kind = ${Kind.STACK};

CREATE VIEW irq_names AS
  SELECT a AS irq, max(name) AS name FROM events WHERE kind = ${Kind.IRQ_NAME} GROUP BY a;

CREATE VIEW switches AS
  SELECT e.ts, e.cpu, e.tid AS prev_tid, ${STATE_LETTER} AS prev_state, e.a AS prev_state_raw,
    e.b AS prev_prio, ${bit(Flag.PREEMPT)} AS preempted, e.tid2 AS next_tid, e.c AS next_prio
  FROM events e WHERE e.kind = ${Kind.SWITCH};

CREATE VIEW wakings AS
  SELECT e.ts, e.cpu, CASE e.kind WHEN ${Kind.WAKEUP_NEW} THEN 'wakeup_new' ELSE 'waking' END AS kind,
    e.tid AS target_tid, e.a AS target_cpu, e.tid2 AS current_tid,
    x.name AS ctx,
    CASE
      WHEN ${CTX} = ${0} THEN NULL
      WHEN ${CTX} = ${1} AND ${bit(Flag.SYSVEC)} THEN coalesce(v.name, 'vector ' || e.b)
      WHEN ${CTX} = ${1} THEN 'irq ' || e.b || coalesce(' ' || i.name, '')
      WHEN ${CTX} = ${2} THEN coalesce(so.name, 'softirq ' || e.b)
      ELSE NULL END AS source,
    e.b AS source_id, s.name AS callback,
    ${bit(Flag.REMOTE)} AS remote, ${bit(Flag.IDLE)} AS idle, ${bit(Flag.ON_RQ)} AS spurious,
    ${bit(Flag.UNSURE)} AS unsure
  FROM events e
  JOIN ctx_names x ON x.ctx = ${CTX}
  LEFT JOIN symbols s ON e.c > 0 AND s.id = e.c
  LEFT JOIN sysvec_names v ON ${CTX} = 1 AND ${bit(Flag.SYSVEC)} AND v.vec = e.b
  LEFT JOIN irq_names i ON ${CTX} = 1 AND NOT ${bit(Flag.SYSVEC)} AND i.irq = e.b
  LEFT JOIN softirq_names so ON ${CTX} = 2 AND so.vec = e.b
  WHERE e.kind IN (${Kind.WAKING}, ${Kind.WAKEUP_NEW});

CREATE VIEW forks AS
  SELECT ts, cpu, tid2 AS parent_tid, b AS parent_tgid, tid AS child_tid, a AS child_tgid
  FROM events WHERE kind = ${Kind.FORK};

CREATE VIEW execs AS
  SELECT ts, cpu, tid, a AS tgid, tid2 AS old_tid, name AS filename
  FROM events WHERE kind = ${Kind.EXEC};

CREATE VIEW exits AS
  SELECT ts, cpu, tid, a AS tgid, b AS prio
  FROM events WHERE kind = ${Kind.EXIT};

CREATE VIEW tasks AS
  SELECT ts, tid, a AS tgid, name AS comm,
    CASE flags WHEN 0 THEN 'seen' WHEN 1 THEN 'fork' WHEN 2 THEN 'exec' WHEN 3 THEN 'rename' ELSE 'other' END AS reason
  FROM events WHERE kind = ${Kind.COMM};

CREATE VIEW irqs AS
  WITH marks AS (
    SELECT ts, cpu, kind, flags, a,
      lead(kind) OVER w AS next_kind, lead(ts) OVER w AS next_ts,
      lead(a) OVER w AS next_a, lead(flags) OVER w AS next_flags
    FROM events
    WHERE kind BETWEEN ${Kind.IRQ_ENTRY} AND ${Kind.SOFTIRQ_EXIT}
    WINDOW w AS (PARTITION BY cpu, kind >= ${Kind.SOFTIRQ_ENTRY} ORDER BY ts, rowid)
  )
  SELECT m.cpu,
    CASE WHEN m.kind = ${Kind.SOFTIRQ_ENTRY} THEN 'softirq' ELSE 'hardirq' END AS type,
    m.a AS id,
    CASE
      WHEN m.kind = ${Kind.SOFTIRQ_ENTRY} THEN coalesce(so.name, 'softirq ' || m.a)
      WHEN (m.flags & ${Flag.SYSVEC}) != 0 THEN coalesce(v.name, 'vector ' || m.a)
      ELSE 'irq ' || m.a || coalesce(' ' || i.name, '') END AS name,
    m.ts AS start_ts, m.next_ts AS end_ts, m.next_ts - m.ts AS duration_ns
  FROM marks m
  LEFT JOIN softirq_names so ON m.kind = ${Kind.SOFTIRQ_ENTRY} AND so.vec = m.a
  LEFT JOIN sysvec_names v ON m.kind = ${Kind.IRQ_ENTRY} AND (m.flags & ${Flag.SYSVEC}) != 0 AND v.vec = m.a
  LEFT JOIN irq_names i ON m.kind = ${Kind.IRQ_ENTRY} AND (m.flags & ${Flag.SYSVEC}) = 0 AND i.irq = m.a
  WHERE m.kind IN (${Kind.IRQ_ENTRY}, ${Kind.SOFTIRQ_ENTRY}) AND m.next_kind = m.kind + 1
    AND m.next_a = m.a AND (m.next_flags & ${Flag.SYSVEC}) = (m.flags & ${Flag.SYSVEC})
  UNION ALL
  SELECT e.cpu, 'nmi', 0, coalesce(s.name, 'nmi'), e.ts - e.b, e.ts, e.b
  FROM events e LEFT JOIN symbols s ON e.c > 0 AND s.id = e.c
  WHERE e.kind = ${Kind.NMI};
`;

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function lookupRows(table: string, entries: Array<[number, string]>): string {
  const values = entries.map(([id, name]) => `(${id}, ${sqlString(name)})`).join(', ');
  return `INSERT INTO ${table} VALUES ${values};\n`;
}

/** The whole DDL of a new capture, tables, lookup rows and views. */
export function captureDdl(): string {
  return (
    TABLES +
    lookupRows(
      'kind_names',
      Object.entries(KIND_NAMES).map(([k, v]) => [Number(k), v]),
    ) +
    lookupRows(
      'ctx_names',
      CTX_NAMES.map((name, i) => [i, name]),
    ) +
    lookupRows(
      'sysvec_names',
      Object.entries(SYSVEC_NAMES).map(([k, v]) => [Number(k), v]),
    ) +
    lookupRows(
      'softirq_names',
      SOFTIRQ_NAMES.map((name, i) => [i, name]),
    ) +
    VIEWS
  );
}
