/**
 * The usage-controls form of a key (SPEC §4): its rate limits, credits and IP allowlist as the
 * strings the inputs hold, what stops a save, and the PATCH that sends only what changed — an
 * untouched credits balance must not be rewritten, or verifies spent meanwhile would come back.
 */
import type { KeyObject, PatchKeyInput } from './api';
import { type LimitRow, limitProblems, limitsChanged, limitsOf, rowsOf, wholeAtLeast } from './rate-limits';

export type Credits = NonNullable<KeyObject['credits']>;
export type RefillInterval = NonNullable<Credits['refill']>['interval'];

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

export function formOf(key: Pick<KeyObject, 'ratelimits' | 'credits' | 'ipAllowlist'>): UsageForm {
  return {
    limits: rowsOf(key.ratelimits),
    metered: key.credits !== null,
    remaining: key.credits === null ? '0' : String(key.credits.remaining),
    refillAmount: key.credits?.refill == null ? '' : String(key.credits.refill.amount),
    refillInterval: key.credits?.refill?.interval ?? 'month',
    allowlist: (key.ipAllowlist ?? []).join('\n'),
  };
}

function creditsOf(form: UsageForm): Credits | null {
  if (!form.metered) return null;
  const remaining = Number(form.remaining);
  return form.refillAmount.trim() === ''
    ? { remaining }
    : { remaining, refill: { amount: Number(form.refillAmount), interval: form.refillInterval } };
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
  const problems = limitProblems(form.limits);
  if (form.metered && !wholeAtLeast(form.remaining, 0))
    problems.push('Credits: the balance is a whole number, 0 or more');
  if (form.metered && form.refillAmount.trim() !== '' && !wholeAtLeast(form.refillAmount, 1))
    problems.push('Credits: the refill is a whole number, at least 1');
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
  if (limitsChanged(key.ratelimits, form.limits)) patch.ratelimits = limitsOf(form.limits);
  const credits = creditsOf(form);
  if (!same(credits, normalCredits(key.credits))) patch.credits = credits;
  const allowlist = allowlistOf(form);
  if (!same(allowlist, key.ipAllowlist)) patch.ipAllowlist = allowlist;
  return patch;
}
