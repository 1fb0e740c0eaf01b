/**
 * A ground-truth scenario's capture: recorded afresh when we can record (root; always in CI),
 * else the fixture the recorder made earlier (fixtures/NAME.db + NAME.json).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { record } from '../../src/record/recorder.js';
import { SCENARIOS } from '../workloads/scenarios.js';
import { canRecord } from './root.js';

export interface ScenarioCapture<T> {
  path: string;
  truth: T;
  fresh: boolean;
}

const ROOT = path.resolve(__dirname, '../..');

/** Where a scenario's capture comes from: the committed fixture, or a fresh recording. */
export type ScenarioSource = 'fixture' | 'fresh';

/** The sources to test: always the fixtures; fresh recordings too when we can record. */
export const SCENARIO_SOURCES: ScenarioSource[] = canRecord ? ['fixture', 'fresh'] : ['fixture'];

export async function scenarioCapture<T>(
  name: keyof typeof SCENARIOS,
  source: ScenarioSource = canRecord ? 'fresh' : 'fixture',
): Promise<ScenarioCapture<T>> {
  const s = SCENARIOS[name];
  if (source === 'fixture') {
    const truth = JSON.parse(readFileSync(path.join(ROOT, 'fixtures', `${name}.json`), 'utf8')) as T;
    return { path: path.join(ROOT, 'fixtures', `${name}.db`), truth, fresh: false };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `lifeline-${name}-`));
  const ids = path.join(dir, 'ids');
  const out = path.join(dir, `${name}.db`);
  await record({ output: out, command: ['sh', '-c', `IDS=${ids}; ${s.shell}`], stdio: 'ignore' });
  return { path: out, truth: s.parse(readFileSync(ids, 'utf8')) as T, fresh: true };
}
