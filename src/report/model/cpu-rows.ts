import { INTERRUPT_KINDS, type CpuSpan } from '../../analyze/index.js';
import { coalesceToBudget, dominant } from './coalesce.js';
import { shownName, type ThreadDirectory } from './labels.js';
import { toMs } from './time.js';
import type { Row } from '../types.js';

export const OTHER_PROCESSES = 'other processes';
export { INTERRUPT_KINDS };

export interface CpuRows {
  /** { lane, t0, t1, what, group, merged, irq } */
  rows: Row[];
  /** Lane labels in drawing order: "cpu N" and, when interrupts were recorded, "cpu N irq". */
  lanes: string[];
  /** Color groups in legend order: colored processes, other, then interrupt kinds present. */
  groups: string[];
  inputs: number;
  resolutionNs: number;
  mergedInputs: number;
}

interface GroupedSpan {
  lane: string;
  start: number;
  end: number;
  what: string;
  group: string;
  merged: number;
}

/** What ran on each CPU (idle left blank) and, on a lane below, its interrupt spans. */
export function cpuRows(
  spans: CpuSpan[],
  cpus: number,
  dir: ThreadDirectory,
  coloredProcesses: string[],
  max: number,
): CpuRows {
  const colored = new Set(coloredProcesses);
  let hasIrq = false;
  let cpuCount = cpus;
  for (const s of spans) {
    if (s.kind !== 'task') hasIrq = true;
    if (s.cpu >= cpuCount) cpuCount = s.cpu + 1;
  }
  const lanes: string[] = [];
  for (let cpu = 0; cpu < cpuCount; cpu++) {
    lanes.push(`cpu ${cpu}`);
    if (hasIrq) lanes.push(`cpu ${cpu} irq`);
  }
  const perLane = new Map<string, GroupedSpan[]>(lanes.map((l) => [l, []]));
  const kindsSeen = new Set<string>();
  let otherSeen = false;
  for (const s of spans) {
    if (s.kind === 'task') {
      if (s.tid === undefined || s.tid === 0) continue;
      const process = dir.processLabel(dir.tgid(s.tid));
      const group = colored.has(process) ? process : OTHER_PROCESSES;
      if (group === OTHER_PROCESSES) otherSeen = true;
      perLane
        .get(`cpu ${s.cpu}`)!
        .push({ lane: `cpu ${s.cpu}`, start: s.start, end: s.end, what: dir.label(s.tid), group, merged: 1 });
    } else {
      kindsSeen.add(s.kind);
      const lane = `cpu ${s.cpu} irq`;
      perLane.get(lane)!.push({
        lane,
        start: s.start,
        end: s.end,
        what: s.name ? `${s.kind} ${shownName(s.name)}` : s.kind,
        group: s.kind,
        merged: 1,
      });
    }
  }
  const laneLists = [...perLane.values()].map((l) => l.sort((a, b) => a.start - b.start));
  const inputs = laneLists.reduce((n, l) => n + l.length, 0);
  const fitted = coalesceToBudget<GroupedSpan>(laneLists, max, (group) => {
    const whats = new Set(group.map((g) => g.what));
    const merged = group.reduce((n, g) => n + g.merged, 0);
    return {
      lane: group[0]!.lane,
      start: group[0]!.start,
      end: group[group.length - 1]!.end,
      what: whats.size === 1 ? group[0]!.what : `${merged} spans merged, mostly ${dominant(group, (g) => g.what)}`,
      group: dominant(group, (g) => g.group),
      merged,
    };
  });
  const rows = fitted.spans.map((s): Row => ({
    lane: s.lane,
    t0: toMs(s.start),
    t1: toMs(s.end),
    what: s.what,
    group: s.group,
    merged: s.merged,
    irq: s.lane.endsWith(' irq'),
  }));
  const groups = [
    ...coloredProcesses,
    ...(otherSeen ? [OTHER_PROCESSES] : []),
    ...INTERRUPT_KINDS.filter((k) => kindsSeen.has(k)),
  ];
  return { rows, lanes, groups, inputs, resolutionNs: fitted.resolutionNs, mergedInputs: fitted.mergedInputs };
}
