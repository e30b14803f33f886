/**
 * The usage-controls form of a key (SPEC §4): its rate limits, credits and IP allowlist as the
 * strings the inputs hold, what stops a save, and the PATCH that sends only what changed — an
 * untouched credits balance must not be rewritten, or verifies spent meanwhile would come back.
 */
import type { KeyObject, PatchKeyInput } from './api';
import { unitMs, type WindowUnit, windowOf } from './format';

export type RateLimit = KeyObject['ratelimits'][number];
export type Credits = NonNullable<KeyObject['credits']>;
export type RefillInterval = NonNullable<Credits['refill']>['interval'];

export interface LimitRow {
  /** Stable across edits, for React's list keys; never sent. */
  readonly id: number;
  readonly name: string;
  readonly limit: string;
  readonly amount: string;
  readonly unit: WindowUnit;
}

export interface UsageForm {
  readonly limits: readonly LimitRow[];
  readonly metered: boolean;
  readonly remaining: string;
  /** '' for no refill. */
  readonly refillAmount: string;
  readonly refillInterval: RefillInterval;
  /** One CIDR per line; blank lines are ignored. */
  readonly allowlist: string;
}

export type UsagePatch = Pick<PatchKeyInput, 'ratelimits' | 'credits' | 'ipAllowlist'>;

const MIN_WINDOW_MS = 1_000;
const MAX_WINDOW_MS = 86_400_000;
const NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

export function rowOf(id: number, limit?: RateLimit): LimitRow {
  if (limit === undefined) return { id, name: '', limit: '', amount: '1', unit: 'min' };
  const window = windowOf(limit.durationMs);
  return { id, name: limit.name, limit: String(limit.limit), amount: String(window.amount), unit: window.unit };
}

export function formOf(key: Pick<KeyObject, 'ratelimits' | 'credits' | 'ipAllowlist'>): UsageForm {
  return {
    limits: key.ratelimits.map((limit, index) => rowOf(index, limit)),
    metered: key.credits !== null,
    remaining: key.credits === null ? '0' : String(key.credits.remaining),
    refillAmount: key.credits?.refill == null ? '' : String(key.credits.refill.amount),
    refillInterval: key.credits?.refill?.interval ?? 'month',
    allowlist: (key.ipAllowlist ?? []).join('\n'),
  };
}

const wholeAtLeast = (text: string, min: number) => /^\s*\d+\s*$/.test(text) && Number(text) >= min;

function limitsOf(form: UsageForm): RateLimit[] {
  return form.limits.map((row) => ({ name: row.name.trim(), limit: Number(row.limit), durationMs: Math.round(Number(row.amount) * unitMs(row.unit)) }));
}

function creditsOf(form: UsageForm): Credits | null {
  if (!form.metered) return null;
  const remaining = Number(form.remaining);
  return form.refillAmount.trim() === '' ? { remaining } : { remaining, refill: { amount: Number(form.refillAmount), interval: form.refillInterval } };
}

function allowlistOf(form: UsageForm): string[] | null {
  const ranges = form.allowlist
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return ranges.length === 0 ? null : ranges;
}

/** Why the form cannot be saved yet, in words; CIDRs are left to the server, which names the bad one. */
export function problemsOf(form: UsageForm): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  form.limits.forEach((row, index) => {
    const which = `Rate limit ${index + 1}`;
    const name = row.name.trim();
    if (!NAME.test(name)) problems.push(`${which}: a name starts with a letter, then letters, digits, _ . or -`);
    else if (names.has(name)) problems.push(`${which}: the name ${name} is taken by another limit`);
    names.add(name);
    if (!wholeAtLeast(row.limit, 1)) problems.push(`${which}: the limit is a whole number, at least 1`);
    const ms = Number(row.amount) * unitMs(row.unit);
    if (row.amount.trim() === '' || !(ms >= MIN_WINDOW_MS && ms <= MAX_WINDOW_MS)) problems.push(`${which}: the window is from 1 second to 1 day`);
  });
  if (form.metered && !wholeAtLeast(form.remaining, 0)) problems.push('Credits: the balance is a whole number, 0 or more');
  if (form.metered && form.refillAmount.trim() !== '' && !wholeAtLeast(form.refillAmount, 1)) problems.push('Credits: the refill is a whole number, at least 1');
  return problems;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const normalCredits = (credits: KeyObject['credits']): Credits | null =>
  credits === null
    ? null
    : credits.refill == null
      ? { remaining: credits.remaining }
      : { remaining: credits.remaining, refill: { amount: credits.refill.amount, interval: credits.refill.interval } };

/** The fields whose value differs from the key's: `{}` when nothing changed. */
export function patchOf(key: Pick<KeyObject, 'ratelimits' | 'credits' | 'ipAllowlist'>, form: UsageForm): UsagePatch {
  const patch: { -readonly [field in keyof UsagePatch]: UsagePatch[field] } = {};
  const limits = limitsOf(form);
  if (
    !same(
      limits,
      key.ratelimits.map(({ name, limit, durationMs }) => ({ name, limit, durationMs })),
    )
  )
    patch.ratelimits = limits;
  const credits = creditsOf(form);
  if (!same(credits, normalCredits(key.credits))) patch.credits = credits;
  const allowlist = allowlistOf(form);
  if (!same(allowlist, key.ipAllowlist)) patch.ipAllowlist = allowlist;
  return patch;
}
