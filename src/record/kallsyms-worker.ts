/** The worker of preloadKernelSymbols (kallsyms.ts): reads and indexes kallsyms, hands both over. */
import { parentPort, workerData } from 'node:worker_threads';
import { readKallsyms } from './kallsyms.js';

const r = readKallsyms((workerData as { file: string }).file);
const buffers = new Set([r.text.buffer, r.hi.buffer, r.lo.buffer, r.at.buffer]);
parentPort!.postMessage(r, [...buffers] as ArrayBuffer[]);
