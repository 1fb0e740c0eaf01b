/**
 * One rule per kind of option value. Each takes the value as the caller gave it (the
 * CLI passes the string it was typed as, code may pass numbers) and either returns it
 * converted or throws one OPTION_* LifelineError that quotes the value as given.
 */
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';

/** A value as typed on the command line (a string) or passed from code (a number). */
export type Typed = string | number;

function numberOf(v: Typed): number {
  return typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
}

function quoted(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** Ids (tids, tgids): positive whole numbers, as "1,2,3", one number or an array. */
export function idList(flag: string, v: Typed | readonly number[] | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const list = Array.isArray(v)
    ? (v as readonly number[])
    : typeof v === 'number'
      ? [v]
      : String(v)
          .split(',')
          .map((x) => numberOf(x));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n <= 0))
    throw new LifelineError('OPTION_BAD_ID', msg.badIdList(flag, quoted(v)));
  return [...list];
}

/** One id (a positive whole number). */
export function id(flag: string, v: Typed | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = numberOf(v);
  if (!Number.isInteger(n) || n <= 0) throw new LifelineError('OPTION_BAD_ID', msg.badId(flag, String(v)));
  return n;
}

/** A whole number ≥ 1. */
export function positiveInt(flag: string, v: Typed | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = numberOf(v);
  if (!Number.isInteger(n) || n <= 0) throw new LifelineError('OPTION_BAD_NUMBER', msg.badPositiveInt(flag, String(v)));
  return n;
}

/** A whole number ≥ 0. */
export function wholeNumber(flag: string, v: Typed | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = numberOf(v);
  if (!Number.isInteger(n) || n < 0) throw new LifelineError('OPTION_BAD_NUMBER', msg.badWholeNumber(flag, String(v)));
  return n;
}

/** A whole number within [min, max]. */
export function intInRange(flag: string, v: Typed | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = numberOf(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new LifelineError('OPTION_BAD_NUMBER', msg.badIntInRange(flag, String(v), min, max));
  return n;
}

/** One of a fixed list of words. */
export function choice<T extends string>(
  flag: string,
  v: string | undefined,
  choices: readonly T[],
  code: 'OPTION_BAD_SORT' | 'OPTION_BAD_GROUP' | 'OPTION_BAD_RENDERER' | 'OPTION_BAD_FORMAT' | 'OPTION_BAD_STACKS',
): T | undefined {
  if (v === undefined) return undefined;
  const found = choices.find((c) => c === v);
  if (found === undefined) throw new LifelineError(code, msg.badChoice(flag, String(v), choices));
  return found;
}

/** A regular expression, from its source text or as a RegExp. */
export function regex(flag: string, v: string | RegExp | undefined): RegExp | undefined {
  if (v === undefined || v instanceof RegExp) return v;
  try {
    return new RegExp(v);
  } catch {
    throw new LifelineError('OPTION_BAD_REGEX', msg.badRegex(flag, String(v)));
  }
}

/** One end of a time window: seconds ≥ 0 (as typed), or ns ≥ 0 from code. */
export interface WindowEnd {
  ns: number;
  /** How the caller gave it, for messages in the caller's unit. */
  shown: string;
}

export function windowEnd(
  secFlag: string,
  sec: Typed | undefined,
  nsFlag: string,
  ns: number | undefined,
): WindowEnd | undefined {
  if (sec !== undefined) {
    const n = numberOf(sec);
    if (!Number.isFinite(n) || n < 0)
      throw new LifelineError('OPTION_BAD_WINDOW', msg.badSeconds(secFlag, String(sec)));
    return { ns: Math.round(n * 1e9), shown: `${secFlag} ${String(sec).trim()} s` };
  }
  if (ns !== undefined) {
    if (typeof ns !== 'number' || !Number.isFinite(ns) || ns < 0)
      throw new LifelineError('OPTION_BAD_WINDOW', msg.badNanoseconds(nsFlag, String(ns)));
    return { ns, shown: `${nsFlag} ${ns} ns` };
  }
  return undefined;
}

/** The window [from, to]: from ≤ to, the error in the unit each end was given in. */
export function window(from: WindowEnd | undefined, to: WindowEnd | undefined): { fromNs?: number; toNs?: number } {
  if (from !== undefined && to !== undefined && from.ns > to.ns)
    throw new LifelineError('OPTION_BAD_WINDOW', msg.windowReversed(from.shown, to.shown));
  return { ...(from && { fromNs: from.ns }), ...(to && { toNs: to.ns }) };
}

/** A duration: "500ms", "30s", "10m", "1h" (a bare number is seconds) → ms, positive. */
export function duration(flag: string, v: Typed | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(v).trim());
  const unit = m ? { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'] : NaN;
  const ms = m ? Number(m[1]) * unit : NaN;
  if (!(ms > 0)) throw new LifelineError('OPTION_BAD_DURATION', msg.badKeep(flag, String(v)));
  return ms;
}
