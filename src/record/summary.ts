/** The few lines `lifeline record` prints when it stops. */
import { lostPerCpuText } from '../diagnostics.js';
import type { RecordResult } from './recorder.js';
import { grouped, msg } from '../messages.js';

const fmt = grouped;

export function formatRecordSummary(r: RecordResult): string {
  const kinds = Object.entries(r.byKind)
    .sort((x, y) => y[1] - x[1])
    .map(([k, n]) => `${k} ${fmt(n)}`)
    .join(', ');
  const missing = Object.values(r.stackFails).reduce((x, y) => x + y, 0);
  const lines = [
    msg.recordSummaryHeader(r.path),
    `  duration      ${(r.durationNs / 1e9).toFixed(3)} s`,
    `  events        ${fmt(r.events)} (${kinds || 'none'})`,
    `  lost          ${fmt(r.lost)}${r.lost > 0 ? ` (${lostPerCpuText(r.lostPerCpu)})  <-- ${msg.lostEvents(r.lost)}` : ''}`,
    `  stacks        ${r.stacks === 'none' ? 'none (--stacks none)' : `${fmt(r.distinctStacks)} distinct kernel stacks${missing > 0 ? `  <-- ${msg.diagStacks(r.stackFails)}` : ''}`}`,
    `  file          ${fmt(r.bytes)} bytes, ${r.bytesPerEvent.toFixed(1)} bytes/event (${r.format})`,
  ];
  if (r.exitCode !== null) lines.push(`  command exit  ${r.exitCode}`);
  else if (r.exitSignal) lines.push(`  command       killed by ${r.exitSignal}`);
  return lines.join('\n') + '\n';
}
