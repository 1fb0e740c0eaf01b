/** The Perfetto format's line in the export registry. */
import { msg } from '../../messages.js';
import type { ExportFormat } from '../format.js';
import type { PerfettoExportResult } from './export-perfetto.js';

export const perfettoFormat: ExportFormat<PerfettoExportResult> = {
  name: 'perfetto',
  extension: '.pftrace',
  about: 'a Perfetto trace for ui.perfetto.dev and trace_processor',
  async load() {
    const { exportPerfetto } = await import('./export-perfetto.js');
    return {
      write: exportPerfetto,
      notes: (res) => [
        ...(res.bootOffsetAssumed ? [msg.exportNoBootOffset()] : []),
        ...(res.irqSpanEvents > 0 && res.hrtimerExpiries === 0 ? [msg.exportNoExpirySpans()] : []),
      ],
    };
  },
};
