/**
 * A strict reader of the Perfetto traces lifeline writes, for the tests: it
 * decodes every packet with @bufbuild/protobuf's BinaryReader, using the field
 * numbers below (typed from Perfetto's protos, independently of
 * src/export/perfetto/schema.ts), and fails on any field it does not expect.
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

type Fields = Map<number, Array<bigint | Uint8Array>>;

/** Message name -> field number -> wire kind ('v' varint, 'b' bytes/string/message/packed). */
const SHAPES: Record<string, Record<number, 'v' | 'b'>> = {
  Trace: { 1: 'b' },
  TracePacket: { 1: 'b', 2: 'b', 6: 'b', 8: 'v', 10: 'v', 12: 'b', 13: 'v', 45: 'b' },
  InternedData: { 26: 'b' },
  InternedString: { 1: 'v', 2: 'b' },
  SystemInfo: { 1: 'b', 7: 'v', 8: 'v' },
  Utsname: { 1: 'b', 2: 'b', 3: 'b', 4: 'b' },
  ClockSnapshot: { 1: 'b', 2: 'v' },
  Clock: { 1: 'v', 2: 'v' },
  ProcessTree: { 1: 'b', 2: 'b' },
  Process: { 1: 'v', 2: 'v', 3: 'b', 9: 'v' },
  Thread: { 1: 'v', 2: 'b', 3: 'v' },
  FtraceEventBundle: { 1: 'v', 2: 'b', 3: 'v', 4: 'b' },
  CompactSched: { 1: 'b', 2: 'b', 3: 'b', 4: 'b', 5: 'b', 6: 'b', 7: 'b', 8: 'b', 9: 'b', 10: 'b', 11: 'b', 12: 'b' },
  FtraceEvent: {
    1: 'v',
    2: 'v',
    5: 'v',
    4: 'b',
    18: 'b',
    20: 'b',
    57: 'b',
    58: 'b',
    24: 'b',
    25: 'b',
    26: 'b',
    36: 'b',
    37: 'b',
    114: 'b',
    235: 'b',
    236: 'b',
    237: 'b',
    238: 'b',
    240: 'b',
    553: 'b',
    554: 'b',
    559: 'b',
    560: 'b',
  },
};

/** FtraceEvent oneof field -> [event name, its fields (number -> name, 's' string / 'i' integer)]. */
const EVENTS: Record<number, [string, Record<number, [string, 's' | 'i']>]> = {
  4: [
    'sched_switch',
    {
      1: ['prev_comm', 's'],
      2: ['prev_pid', 'i'],
      3: ['prev_prio', 'i'],
      4: ['prev_state', 'i'],
      5: ['next_comm', 's'],
      6: ['next_pid', 'i'],
      7: ['next_prio', 'i'],
    },
  ],
  18: ['sched_blocked_reason', { 1: ['pid', 'i'], 2: ['caller', 'i'], 3: ['io_wait', 'i'] }],
  20: [
    'sched_waking',
    { 1: ['comm', 's'], 2: ['pid', 'i'], 3: ['prio', 'i'], 4: ['success', 'i'], 5: ['target_cpu', 'i'] },
  ],
  114: [
    'sched_wakeup_new',
    { 1: ['comm', 's'], 2: ['pid', 'i'], 3: ['prio', 'i'], 4: ['success', 'i'], 5: ['target_cpu', 'i'] },
  ],
  24: ['softirq_entry', { 1: ['vec', 'i'] }],
  25: ['softirq_exit', { 1: ['vec', 'i'] }],
  26: ['softirq_raise', { 1: ['vec', 'i'] }],
  36: ['irq_handler_entry', { 1: ['irq', 'i'], 2: ['name', 's'] }],
  37: ['irq_handler_exit', { 1: ['irq', 'i'], 2: ['ret', 'i'] }],
  235: ['task_newtask', { 1: ['pid', 'i'], 2: ['comm', 's'], 3: ['clone_flags', 'i'] }],
  236: ['task_rename', { 1: ['pid', 'i'], 2: ['oldcomm', 's'], 3: ['newcomm', 's'] }],
  237: ['sched_process_exec', { 1: ['filename', 's'], 2: ['pid', 'i'], 3: ['old_pid', 'i'] }],
  238: ['sched_process_exit', { 1: ['comm', 's'], 2: ['pid', 'i'], 3: ['tgid', 'i'], 4: ['prio', 'i'] }],
  240: ['sched_process_free', { 1: ['comm', 's'], 2: ['pid', 'i'], 3: ['prio', 'i'] }],
  57: ['workqueue_execute_end', { 1: ['work', 'i'], 2: ['function', 'i'] }],
  58: ['workqueue_execute_start', { 1: ['work', 'i'], 2: ['function', 'i'] }],
  553: ['hrtimer_expire_entry', { 1: ['hrtimer', 'i'], 2: ['now', 'i'], 3: ['function', 'i'] }],
  554: ['hrtimer_expire_exit', { 1: ['hrtimer', 'i'] }],
  559: ['local_timer_entry', { 1: ['vector', 'i'] }],
  560: ['local_timer_exit', { 1: ['vector', 'i'] }],
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parse(bytes: Uint8Array, shape: string): Fields {
  const allowed = SHAPES[shape];
  if (!allowed) throw new Error(`no shape ${shape}`);
  const r = new BinaryReader(bytes);
  const out: Fields = new Map();
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    const want = allowed[no];
    if (want === undefined) throw new Error(`${shape}: unexpected field ${no}`);
    let v: bigint | Uint8Array;
    if (want === 'v') {
      if (wt !== WireType.Varint) throw new Error(`${shape}.${no}: wire type ${wt}, want varint`);
      v = BigInt(r.uint64());
    } else {
      if (wt !== WireType.LengthDelimited) throw new Error(`${shape}.${no}: wire type ${wt}, want length-delimited`);
      v = r.bytes();
    }
    const list = out.get(no);
    if (list) list.push(v);
    else out.set(no, [v]);
  }
  return out;
}

const num = (f: Fields, no: number): number | undefined => {
  const v = f.get(no)?.[0];
  return v === undefined ? undefined : Number(v as bigint);
};
const str = (f: Fields, no: number): string | undefined => {
  const v = f.get(no)?.[0];
  return v === undefined ? undefined : utf8.decode(v as Uint8Array);
};
const msgs = (f: Fields, no: number): Uint8Array[] => (f.get(no) ?? []) as Uint8Array[];

function packedVarints(bytes: Uint8Array | undefined): number[] {
  if (bytes === undefined) return [];
  const r = new BinaryReader(bytes);
  const out: number[] = [];
  while (r.pos < r.len) out.push(Number(BigInt(r.uint64())));
  return out;
}

export interface TraceEvent {
  cpu: number;
  ts: number;
  name: string;
  form: 'compact' | 'full';
  /** FtraceEvent.pid (full events only). */
  pid?: number;
  commonFlags: number;
  fields: Record<string, number | string>;
}

export interface TreePacket {
  ts: number;
  processes: Array<{ pid: number; ppid?: number; cmdline: string[]; cmdlineIsComm: boolean }>;
  threads: Array<{ tid: number; tgid?: number; name?: string }>;
}

export interface DecodedTrace {
  packetKinds: string[];
  /** TracePacket.sequence_flags of each packet (0 when absent), in file order. */
  packetFlags: number[];
  /** Kernel symbols each packet interns (InternedData), in file order. */
  packetInterned: number[];
  sequenceIds: Set<number>;
  systemInfo: {
    sysname?: string;
    version?: string;
    release?: string;
    machine?: string;
    numCpus?: number;
    timezoneOffMins?: number;
  } | null;
  clocks: Map<number, bigint>;
  clockSnapshotTs: number | undefined;
  processes: Array<{ pid: number; ppid?: number; cmdline: string[]; cmdlineIsComm: boolean; ts: number }>;
  threads: Array<{ tid: number; tgid?: number; name?: string; ts: number }>;
  /** Each ProcessTree packet, in file order. */
  trees: TreePacket[];
  /** ProcessTree packets and ftrace bundles in file order (what trace_processor pushes to its sorter). */
  order: Array<{ kind: 'tree'; tree: TreePacket } | { kind: 'bundle'; bundle: DecodedTrace['bundles'][number] }>;
  /** Events in file order; per CPU, bundles in order, each bundle's whole events then its compact ones. */
  events: TraceEvent[];
  bundles: Array<{ cpu: number; lostEvents: boolean; events: TraceEvent[] }>;
  /** InternedData.kernel_symbols of the sequence: iid -> name. */
  kernelSymbols: Map<number, string>;
}

function signed32(v: number): number {
  return v > 0x7fffffff && v <= 0xffffffff ? v - 0x100000000 : v >= 2 ** 63 ? v - 2 ** 64 : v;
}

function decodeFtraceEvent(cpu: number, bytes: Uint8Array): TraceEvent {
  const f = parse(bytes, 'FtraceEvent');
  const oneof = [...f.keys()].filter((k) => EVENTS[k] !== undefined);
  if (oneof.length !== 1) throw new Error(`FtraceEvent with ${oneof.length} events`);
  const [name, shape] = EVENTS[oneof[0]!]!;
  const inner = new BinaryReader(msgs(f, oneof[0]!)[0]!);
  const fields: Record<string, number | string> = {};
  while (inner.pos < inner.len) {
    const [no, wt] = inner.tag();
    const spec = shape[no];
    if (!spec) throw new Error(`${name}: unexpected field ${no}`);
    if (spec[1] === 's') {
      if (wt !== WireType.LengthDelimited) throw new Error(`${name}.${no} is not a string`);
      fields[spec[0]] = utf8.decode(inner.bytes());
    } else {
      if (wt !== WireType.Varint) throw new Error(`${name}.${no} is not a varint`);
      fields[spec[0]] = signed32(Number(BigInt(inner.uint64())));
    }
  }
  return { cpu, ts: num(f, 1)!, name, form: 'full', pid: num(f, 2), commonFlags: num(f, 5) ?? 0, fields };
}

function decodeCompact(cpu: number, bytes: Uint8Array): TraceEvent[] {
  const f = parse(bytes, 'CompactSched');
  const intern = msgs(f, 5).map((b) => utf8.decode(b));
  const col = (no: number) => packedVarints(f.get(no)?.[0] as Uint8Array | undefined);
  const out: TraceEvent[] = [];
  const sts = col(1),
    state = col(2),
    pid = col(3),
    prio = col(4),
    comm = col(6);
  if (![state, pid, prio, comm].every((c) => c.length === sts.length))
    throw new Error('compact switch columns differ in length');
  let t = 0;
  sts.forEach((d, i) => {
    t += d;
    const c = intern[comm[i]!];
    if (c === undefined) throw new Error('switch comm index out of range');
    out.push({
      cpu,
      ts: t,
      name: 'sched_switch',
      form: 'compact',
      commonFlags: 0,
      fields: { prev_state: state[i]!, next_pid: pid[i]!, next_prio: prio[i]!, next_comm: c },
    });
  });
  const wts = col(7),
    wpid = col(8),
    wcpu = col(9),
    wprio = col(10),
    wcomm = col(11),
    wflags = col(12);
  if (![wpid, wcpu, wprio, wcomm, wflags].every((c) => c.length === wts.length))
    throw new Error('compact waking columns differ in length');
  t = 0;
  wts.forEach((d, i) => {
    t += d;
    const c = intern[wcomm[i]!];
    if (c === undefined) throw new Error('waking comm index out of range');
    out.push({
      cpu,
      ts: t,
      name: 'sched_waking',
      form: 'compact',
      commonFlags: wflags[i]!,
      fields: { pid: wpid[i]!, target_cpu: wcpu[i]!, prio: wprio[i]!, comm: c },
    });
  });
  return out;
}

export function decodeTrace(file: Uint8Array): DecodedTrace {
  const trace = parse(file, 'Trace');
  const t: DecodedTrace = {
    packetKinds: [],
    packetFlags: [],
    packetInterned: [],
    sequenceIds: new Set(),
    systemInfo: null,
    clocks: new Map(),
    clockSnapshotTs: undefined,
    processes: [],
    threads: [],
    trees: [],
    order: [],
    events: [],
    bundles: [],
    kernelSymbols: new Map(),
  };
  // trace_processor (proto_trace_reader.cc): SEQ_INCREMENTAL_STATE_CLEARED makes the sequence's
  // incremental state valid; before that, interned data is dropped and a packet that says
  // SEQ_NEEDS_INCREMENTAL_STATE is skipped. Here both are errors.
  let stateValid = false;
  for (const pb of msgs(trace, 1)) {
    const p = parse(pb, 'TracePacket');
    const seq = num(p, 10);
    if (seq !== undefined) t.sequenceIds.add(seq);
    const ts = num(p, 8);
    const flags = num(p, 13) ?? 0;
    t.packetFlags.push(flags);
    t.packetInterned.push(0);
    if (flags & 1) stateValid = true;
    if (flags & 2 && !stateValid) throw new Error('a packet needs incremental state before any packet cleared it');
    if (p.has(12)) {
      if (!stateValid) throw new Error('interned data before any packet cleared the incremental state');
      // interned before the packet's events are read, as trace_processor does
      const interned = parse(msgs(p, 12)[0]!, 'InternedData');
      t.packetInterned[t.packetInterned.length - 1] = msgs(interned, 26).length;
      for (const b of msgs(interned, 26)) {
        const s = parse(b, 'InternedString');
        const iid = num(s, 1)!;
        const name = str(s, 2)!;
        const before = t.kernelSymbols.get(iid);
        if (before !== undefined && before !== name)
          throw new Error(`kernel symbol ${iid} interned as ${before} and ${name}`);
        t.kernelSymbols.set(iid, name);
      }
    }
    if (p.has(45)) {
      t.packetKinds.push('system_info');
      const si = parse(msgs(p, 45)[0]!, 'SystemInfo');
      const u = si.has(1) ? parse(msgs(si, 1)[0]!, 'Utsname') : new Map();
      t.systemInfo = {
        sysname: str(u, 1),
        version: str(u, 2),
        release: str(u, 3),
        machine: str(u, 4),
        numCpus: num(si, 8),
        timezoneOffMins: si.has(7) ? signed32(num(si, 7)!) : undefined,
      };
    } else if (p.has(6)) {
      t.packetKinds.push('clock_snapshot');
      t.clockSnapshotTs = ts;
      const cs = parse(msgs(p, 6)[0]!, 'ClockSnapshot');
      for (const cb of msgs(cs, 1)) {
        const c = parse(cb, 'Clock');
        t.clocks.set(num(c, 1)!, c.get(2)![0] as bigint);
      }
    } else if (p.has(2)) {
      t.packetKinds.push('process_tree');
      const tree = parse(msgs(p, 2)[0]!, 'ProcessTree');
      const packet: TreePacket = { ts: ts!, processes: [], threads: [] };
      for (const b of msgs(tree, 1)) {
        const pr = parse(b, 'Process');
        packet.processes.push({
          pid: num(pr, 1)!,
          ppid: num(pr, 2),
          cmdline: msgs(pr, 3).map((x) => utf8.decode(x)),
          cmdlineIsComm: num(pr, 9) === 1,
        });
      }
      for (const b of msgs(tree, 2)) {
        const th = parse(b, 'Thread');
        packet.threads.push({ tid: num(th, 1)!, tgid: num(th, 3), name: str(th, 2) });
      }
      t.processes.push(...packet.processes.map((x) => ({ ...x, ts: ts! })));
      t.threads.push(...packet.threads.map((x) => ({ ...x, ts: ts! })));
      t.trees.push(packet);
      t.order.push({ kind: 'tree', tree: packet });
    } else if (p.has(1)) {
      t.packetKinds.push('ftrace_events');
      const bundle = parse(msgs(p, 1)[0]!, 'FtraceEventBundle');
      const cpu = num(bundle, 1)!;
      const events = msgs(bundle, 2).map((e) => decodeFtraceEvent(cpu, e));
      for (const e of events) {
        const fn =
          e.name === 'hrtimer_expire_entry' || e.name === 'workqueue_execute_start'
            ? e.fields.function
            : e.name === 'sched_blocked_reason'
              ? e.fields.caller
              : undefined;
        if (fn !== undefined && !t.kernelSymbols.has(fn as number))
          throw new Error(`${e.name} names kernel symbol ${fn} before any packet interned it`);
      }
      if (bundle.has(4)) events.push(...decodeCompact(cpu, msgs(bundle, 4)[0]!));
      const decoded = { cpu, lostEvents: num(bundle, 3) === 1, events };
      t.bundles.push(decoded);
      t.order.push({ kind: 'bundle', bundle: decoded });
      t.events.push(...events);
    } else {
      throw new Error('a packet with no payload lifeline writes');
    }
  }
  return t;
}
