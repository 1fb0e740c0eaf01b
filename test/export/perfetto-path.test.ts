/**
 * `lifeline export --to perfetto --path-…`: the critical paths as tracks of slices beside the
 * scheduler's events. The trace is the one written without them plus the paths' packets; each path
 * is a named track whose slices are its segments, end to end, at the segments' times on the
 * trace's clock, with what they waited on.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import type { CriticalPath } from '../../src/analyze/index.js';
import { exportCapture, openCapture } from '../../src/api.js';
import { cli, expectOneLineError } from '../helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(ROOT, 'fixtures/pingpong.db');

/** One message's fields: number → values (varints as bigint, the rest as bytes). */
function fields(bytes: Uint8Array): Map<number, Array<bigint | Uint8Array>> {
  const r = new BinaryReader(bytes);
  const out = new Map<number, Array<bigint | Uint8Array>>();
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    let v: bigint | Uint8Array;
    if (wt === WireType.Varint) v = BigInt(r.uint64());
    else if (wt === WireType.LengthDelimited) v = r.bytes();
    else throw new Error(`unexpected wire type ${wt} of field ${no}`);
    out.set(no, [...(out.get(no) ?? []), v]);
  }
  return out;
}
const one = (f: Map<number, Array<bigint | Uint8Array>>, n: number) => f.get(n)?.[0];
const text = (v: unknown): string => new TextDecoder().decode(v as Uint8Array);

interface Slice {
  track: bigint;
  begin: number;
  end: number;
  name: string;
  args: Record<string, string>;
}

/** The path sequence's tracks and slices (a BEGIN closed by the next END on its track). */
function pathTracks(trace: Uint8Array): { tracks: Map<bigint, string>; slices: Slice[]; packets: number } {
  const tracks = new Map<bigint, string>();
  const slices: Slice[] = [];
  const open = new Map<bigint, Slice>();
  let packets = 0;
  for (const p of fields(trace).get(1) ?? []) {
    const pf = fields(p as Uint8Array);
    if (one(pf, 10) !== 2n) continue;
    packets++;
    const desc = one(pf, 60);
    if (desc !== undefined) {
      const d = fields(desc as Uint8Array);
      tracks.set(one(d, 1) as bigint, text(one(d, 2)));
      continue;
    }
    const ev = fields(one(pf, 11) as Uint8Array);
    const ts = Number(one(pf, 8));
    const track = one(ev, 11) as bigint;
    if (one(ev, 9) === 1n) {
      const args: Record<string, string> = {};
      for (const a of ev.get(4) ?? []) {
        const af = fields(a as Uint8Array);
        args[text(one(af, 10))] = text(one(af, 6));
      }
      expect(open.has(track)).toBe(false);
      open.set(track, { track, begin: ts, end: NaN, name: text(one(ev, 23)), args });
    } else {
      expect(one(ev, 9)).toBe(2n);
      const s = open.get(track)!;
      s.end = ts;
      slices.push(s);
      open.delete(track);
    }
  }
  expect(open.size).toBe(0);
  return { tracks, slices, packets };
}

describe('critical paths in the Perfetto export', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-perfetto-path-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let paths: CriticalPath[];
  let startNs: number;
  let plain: Uint8Array;
  let withPaths: Uint8Array;
  let bootOffsetNs: number;

  beforeAll(async () => {
    const cap = await openCapture(FIXTURE);
    startNs = cap.meta.startNs;
    paths = (await analyze(cap, { path: { longest: 2, anyThread: true } })).path!;
    cap.close();
    const a = path.join(dir, 'plain.pftrace');
    const b = path.join(dir, 'paths.pftrace');
    await exportCapture(FIXTURE, { out: a });
    const res = await exportCapture(FIXTURE, { out: b, path: { longest: 2 } });
    bootOffsetNs = (res as { bootOffsetNs: number }).bootOffsetNs;
    expect((res as { pathSlices: number }).pathSlices).toBe(paths.reduce((n, p) => n + p.segments.length, 0));
    plain = readFileSync(a);
    withPaths = readFileSync(b);
  });

  it('adds the paths after the trace written without them, which is unchanged', () => {
    expect(withPaths.length).toBeGreaterThan(plain.length);
    expect(Buffer.from(withPaths.subarray(0, plain.length)).equals(Buffer.from(plain))).toBe(true);
    expect(pathTracks(plain).packets).toBe(0);
  });

  it('writes one named track per path, its slices the segments end to end', () => {
    const { tracks, slices } = pathTracks(withPaths);
    expect([...tracks.values()]).toEqual(
      paths.map(
        (p) =>
          `critical path: ${p.thread.comm} ${p.thread.tid}, burst ${(p.chosen as { burst: number }).burst} of ${(p.chosen as { bursts: number }).bursts}`,
      ),
    );
    const uuids = [...tracks.keys()];
    paths.forEach((p, i) => {
      const mine = slices.filter((s) => s.track === uuids[i]);
      expect(mine).toHaveLength(p.segments.length);
      mine.forEach((s, k) => {
        const seg = p.segments[k]!;
        expect(s.begin).toBe(startNs + seg.start + bootOffsetNs);
        expect(s.end).toBe(startNs + seg.end + bootOffsetNs);
        expect(s.name).toBe(`${seg.thread.comm} ${seg.thread.tid} ${seg.state}`);
        expect(s.args.what).toContain(seg.label);
        expect(s.args.depth).toBe(String(seg.depth));
        if (k > 0) expect(s.begin).toBe(mine[k - 1]!.end);
      });
    });
  });

  it('a --path option that does not fit is one line', () => {
    const r = cli(['export', FIXTURE, '-o', path.join(dir, 'x.pftrace'), '--path-burst', '2', '--path-longest']);
    expect(expectOneLineError(r)).toMatch(/--path-burst N or --path-longest, not both/);
    const r2 = cli(['export', FIXTURE, '-o', path.join(dir, 'y.pftrace'), '--path-tid', 'abc']);
    expect(expectOneLineError(r2)).toMatch(/--path-tid takes an id/);
  });
});
