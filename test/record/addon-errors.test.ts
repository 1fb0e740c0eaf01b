import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { LifelineError } from '../../src/errors.js';
import { ADDON_ERRORS } from '../../src/format/index.js';
import { msg } from '../../src/messages.js';
import { ADDON_PATH, loadAddon, openSession } from '../../src/record/addon.js';
import { skipReason, skipRecording } from '../helpers/root.js';

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe.skipIf(!existsSync(ADDON_PATH) && process.env.CI !== 'true')('native failures', () => {
  it('the addon throws a code of the generated list, errno and detail, and no sentence of its own', () => {
    const { Session } = loadAddon();
    const e = thrown(() => new Session({ ringBytes: 5000 })) as Error & { code: string; detail: string };
    expect(ADDON_ERRORS).toContain(e.code);
    expect(e.code).toBe('BAD_RING_SIZE');
    expect(e.message).toBe('BAD_RING_SIZE');
    expect(e.detail).toBe('5000');
  });

  it('become a LifelineError RECORD_<code> worded in messages.ts', () => {
    const e = thrown(() => openSession({ ringBytes: 5000 }));
    expect(e).toBeInstanceOf(LifelineError);
    expect((e as LifelineError).code).toBe('RECORD_BAD_RING_SIZE');
    expect((e as LifelineError).message).toBe(msg.addonBadRingSize('5000'));
  });

  it.skipIf(skipRecording)(`a closed session answers RECORD_CLOSED (${skipReason})`, async () => {
    const s = openSession({ ringBytes: 1 << 16, irqSpans: false });
    s.close();
    const e = thrown(() => s.lost());
    expect((e as LifelineError).code).toBe('RECORD_CLOSED');
    expect((e as LifelineError).message).toBe(msg.addonClosed());
    const r = thrown(() => s.read(1));
    expect((r as LifelineError).code).toBe('RECORD_CLOSED');
  });
});
