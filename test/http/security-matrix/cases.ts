/**
 * The security matrix's cases: who calls each route, and what each must be answered (SPEC §3
 * for the check's order and codes, §5 for management calls). A fixture keeps the default of a
 * case unless the route says otherwise, with the reason.
 */
import { expect } from 'vitest';
import type { ErrorCode } from '../../../src/core/error-codes.js';
import type { Reply } from '../../support/keyward.js';
import { expectProblem } from '../../support/problem.js';

export const CASES = [
  /** No key at all (for verify: a string that is not a key). */
  'anonymous',
  /** The admin key of another tenant, holding everything there, naming this tenant's objects. */
  'otherTenant',
  /** A key of another environment of the same tenant, holding every environment-scoped grant. */
  'otherEnvironment',
  /** Keys of the target's own environment holding every grant, in a state that stops them. */
  'revoked',
  'expired',
  'disabled',
  /** The old secret of a rotated key, inside its grace period: it may only be used (SPEC §4). */
  'rotatedOut',
  /** The old secret once its grace is over: unknown (SPEC §3 step 1). */
  'rotatedOutPastGrace',
  /** A key holding every grant whose user is due to pass MFA again (`mfaReverifyDays`, SPEC §4). */
  'mfaDue',
  /** A key holding every grant, sent from outside its IP allowlist: it protects the key everywhere. */
  'outsideAllowlist',
  /** A key of the target's environment holding every grant but what the route needs. */
  'noPermission',
] as const;

export type CaseName = (typeof CASES)[number];

/** The cases where the caller's own key state refuses it: also run against the caller itself on routes a key may call on itself. */
export const STATE_CASES = [
  'revoked',
  'expired',
  'disabled',
  'rotatedOut',
  'rotatedOutPastGrace',
] as const satisfies readonly CaseName[];

export type StateCase = (typeof STATE_CASES)[number];

export type Expectation =
  /** A problem with this status and code. */
  | { readonly refused: 401 | 403 | 404 | 400; readonly code: ErrorCode; readonly why?: string }
  /** A verify verdict (200): `valid` is true only for VALID. */
  | { readonly verdict: ErrorCode; readonly why?: string }
  /** Let through, and why that is right; the answer must not name the fixture's hidden ids. */
  | { readonly allowed: string };

/** What a management call (the key in the bearer header) answers in each case. */
export const BEARER_DEFAULTS: Readonly<Record<CaseName, Expectation>> = {
  anonymous: { refused: 401, code: 'UNAUTHENTICATED' },
  // The target cannot be discovered: 404 whatever the caller holds, so existence does not leak.
  otherTenant: { refused: 404, code: 'NOT_FOUND' },
  // Same tenant, so the target is known to exist; tenant-scoped permissions are what it lacks.
  otherEnvironment: { refused: 403, code: 'FORBIDDEN' },
  revoked: { refused: 401, code: 'REVOKED' },
  // The target is not the key itself, so the post-expiry rotation window does not apply.
  expired: { refused: 401, code: 'EXPIRED' },
  disabled: { refused: 401, code: 'DISABLED' },
  rotatedOut: { refused: 403, code: 'FORBIDDEN' },
  rotatedOutPastGrace: { refused: 401, code: 'NOT_FOUND' },
  mfaDue: { refused: 401, code: 'MFA_REQUIRED' },
  outsideAllowlist: { refused: 403, code: 'FORBIDDEN' },
  noPermission: { refused: 403, code: 'FORBIDDEN' },
};

/** What verify (the key in the body) answers in each case: always 200 with the check's code. */
export const BODY_DEFAULTS: Readonly<Record<CaseName, Expectation>> = {
  anonymous: { verdict: 'NOT_FOUND' },
  otherTenant: { verdict: 'FORBIDDEN', why: 'an unknown resource answers FORBIDDEN: existence is not revealed' },
  otherEnvironment: {
    verdict: 'FORBIDDEN',
    why: 'an ENVIRONMENT resource is out of reach of other environments (step 4)',
  },
  revoked: { verdict: 'REVOKED' },
  expired: { verdict: 'EXPIRED' },
  disabled: { verdict: 'DISABLED' },
  rotatedOut: { verdict: 'VALID', why: 'a rotated-out secret may still be used during its grace period' },
  rotatedOutPastGrace: { verdict: 'NOT_FOUND' },
  mfaDue: { verdict: 'MFA_REQUIRED' },
  outsideAllowlist: { verdict: 'FORBIDDEN', why: 'the clientIp the platform passes is outside the key’s allowlist' },
  noPermission: { verdict: 'FORBIDDEN' },
};

/** What a route that takes no key answers in each case: the same, whatever key comes along. */
export const KEYLESS_DEFAULTS: Readonly<Record<CaseName, Expectation>> = Object.fromEntries(
  CASES.map((name) => [name, { allowed: 'the route takes no key: the one sent is ignored, for better or worse' }]),
) as Record<CaseName, Expectation>;

/** The status an expectation comes with (what a HEAD request, which has no body, can be held to). */
export function statusOf(expectation: Expectation): number {
  return 'refused' in expectation ? expectation.refused : 200;
}

export function describeExpectation(expectation: Expectation): string {
  if ('allowed' in expectation) return `allowed (${expectation.allowed})`;
  const answer = 'verdict' in expectation ? `200 ${expectation.verdict}` : `${expectation.refused} ${expectation.code}`;
  return expectation.why === undefined ? answer : `${answer} (${expectation.why})`;
}

/** Fails unless `reply` is what `expectation` says; `hidden` ids must not appear in an allowed answer. */
export function expectAnswer(reply: Reply, expectation: Expectation, hidden: readonly string[]): void {
  if ('refused' in expectation) {
    expectProblem(reply, expectation.refused, expectation.code);
    return;
  }
  const text = JSON.stringify(reply.body);
  expect(reply.status, text).toBeGreaterThanOrEqual(200);
  expect(reply.status, text).toBeLessThan(300);
  if ('verdict' in expectation) {
    expect(reply.body, text).toMatchObject({ valid: expectation.verdict === 'VALID', code: expectation.verdict });
    return;
  }
  for (const id of hidden) expect(text, `the answer names ${id}`).not.toContain(id);
}
