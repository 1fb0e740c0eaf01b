import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { ADDON_PATH, loadAddon } from '../../src/record/addon.js';
import { EVENT_SIZE, Flag, Kind, NAME_EVENT_SIZE, NAME_LEN, OFFSETS } from '../../src/record/event-layout.js';

// The addon is compiled against bpf/lifeline.h: it reports the real sizes and offsets.
describe.skipIf(!existsSync(ADDON_PATH) && process.env.CI !== 'true')('event layout', () => {
  const native = loadAddon().layout();

  it('record sizes match the C header', () => {
    expect(native.eventSize).toBe(EVENT_SIZE);
    expect(native.nameEventSize).toBe(NAME_EVENT_SIZE);
    expect(native.nameLen).toBe(NAME_LEN);
  });

  it('every field offset matches the C header', () => {
    expect(native.offsets).toEqual(OFFSETS);
  });

  it('event kinds match, except the capture-only META kind', () => {
    const { META: _meta, ...recorded } = Kind;
    expect(native.kinds).toEqual(recorded);
  });

  it('flag bits match', () => {
    expect(native.flags).toEqual(Flag);
  });
});
