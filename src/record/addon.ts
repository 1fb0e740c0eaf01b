/** The native recorder (native/addon.cc), typed. Loaded lazily: analysis never needs it. */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { isErrorCode, LifelineError } from '../errors.js';
import { msg } from '../messages.js';

export interface SessionOptions {
  ringBytes?: number;
  irqSpans?: boolean;
  tgid?: number;
  wakeupBytes?: number;
}

export interface NativeSession {
  readonly skipped: string[];
  readonly cpus: number;
  read(timeoutMs: number): Promise<Buffer | null>;
  drain(): Buffer | null;
  lost(): number[];
  detach(): void;
  /** Make a pending read() return now. */
  interrupt(): void;
  close(): void;
}

export interface NativeLayout {
  offsets: Record<string, number>;
  eventSize: number;
  nameEventSize: number;
  nameLen: number;
  kinds: Record<string, number>;
  flags: Record<string, number>;
}

interface Addon {
  Session: new (opts: SessionOptions) => NativeSession;
  layout(): NativeLayout;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ADDON_PATH = path.join(root, 'build', 'Release', 'lifeline.node');

let cached: Addon | undefined;

export function loadAddon(): Addon {
  if (cached) return cached;
  if (!existsSync(ADDON_PATH)) throw new LifelineError('RECORD_NO_ADDON', msg.noAddon(`${ADDON_PATH} is missing`));
  const require = createRequire(import.meta.url);
  try {
    cached = require(ADDON_PATH) as Addon;
  } catch (e) {
    throw new LifelineError('RECORD_NO_ADDON', msg.noAddon((e as Error).message.split('\n')[0] ?? 'load failed'));
  }
  return cached;
}

/** Open, load and attach the BPF programs; native failures become one-line LifelineErrors. */
export function openSession(opts: SessionOptions): NativeSession {
  const addon = loadAddon();
  try {
    return new addon.Session(opts);
  } catch (e) {
    const err = e as Error & { code?: string; detail?: string };
    // The addon's codes are LL_<what>; in lifeline's scheme they are RECORD_<what>.
    const code = typeof err.code === 'string' ? err.code.replace(/^LL_/, 'RECORD_') : undefined;
    if (isErrorCode(code)) {
      const line = code === 'RECORD_LOAD_FAILED' ? msg.loadFailed(err.message.split('\n')[0] ?? '') : err.message;
      const out = new LifelineError(code, line);
      if (err.detail) out.detail = err.detail;
      throw out;
    }
    throw e;
  }
}
