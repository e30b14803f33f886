/**
 * Rate limits as a form edits them (SPEC §4), for a key's usage controls and a policy's shared
 * limits alike: rows of the strings the inputs hold, the set they stand for, and what stops a save.
 */
import type { KeyObject } from './api';
import { unitMs, type WindowUnit, windowOf } from './format';

export type RateLimit = KeyObject['ratelimits'][number];

export interface LimitRow {
  /** Stable across edits, for React's list keys; never sent. */
  readonly id: number;
  readonly name: string;
  readonly limit: string;
  readonly amount: string;
  readonly unit: WindowUnit;
}

const MIN_WINDOW_MS = 1_000;
const MAX_WINDOW_MS = 86_400_000;
const NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** A blank row (1 minute) for Add, or the row of a saved limit. */
export function rowOf(id: number, limit?: RateLimit): LimitRow {
  if (limit === undefined) return { id, name: '', limit: '', amount: '1', unit: 'min' };
  const window = windowOf(limit.durationMs);
  return { id, name: limit.name, limit: String(limit.limit), amount: String(window.amount), unit: window.unit };
}

export function rowsOf(limits: readonly RateLimit[]): LimitRow[] {
  return limits.map((limit, index) => rowOf(index, limit));
}

export const wholeAtLeast = (text: string, min: number) => /^\s*\d+\s*$/.test(text) && Number(text) >= min;

/** The set the rows stand for, as the API takes it (the whole set: `[]` clears it). */
export function limitsOf(rows: readonly LimitRow[]): RateLimit[] {
  return rows.map((row) => ({
    name: row.name.trim(),
    limit: Number(row.limit),
    durationMs: Math.round(Number(row.amount) * unitMs(row.unit)),
  }));
}

/** Whether the rows say something other than the saved limits (the server may add fields; only these three count). */
export function limitsChanged(saved: readonly RateLimit[], rows: readonly LimitRow[]): boolean {
  const plain = saved.map(({ name, limit, durationMs }) => ({ name, limit, durationMs }));
  return JSON.stringify(plain) !== JSON.stringify(limitsOf(rows));
}

/** Why the rows cannot be saved yet, in words, each naming its row. */
export function limitProblems(rows: readonly LimitRow[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  rows.forEach((row, index) => {
    const which = `Rate limit ${index + 1}`;
    const name = row.name.trim();
    if (!NAME.test(name)) problems.push(`${which}: a name starts with a letter, then letters, digits, _ . or -`);
    else if (names.has(name)) problems.push(`${which}: the name ${name} is taken by another limit`);
    names.add(name);
    if (!wholeAtLeast(row.limit, 1)) problems.push(`${which}: the limit is a whole number, at least 1`);
    const ms = Number(row.amount) * unitMs(row.unit);
    if (row.amount.trim() === '' || !(ms >= MIN_WINDOW_MS && ms <= MAX_WINDOW_MS))
      problems.push(`${which}: the window is from 1 second to 1 day`);
  });
  return problems;
}
