/**
 * `POST /v1/verify`: the check for a presented key. Every key, permission and resource outcome
 * is a verdict (200); only a malformed request (a permission, action or type the model does not
 * know) is a problem.
 *
 * A cache hit is the product's hot path: it is answered in the same turn (no promise), with one
 * clock read, and the answers that do not depend on the request (VALID, REVOKED, … with the key's
 * ids and ISO expiry) are built once per cached key record and reused.
 */
import { isIP } from 'node:net';
import type { Clock } from '../core/clock.js';
import { allowedByAll } from '../core/ip-allowlist.js';
import { checkResource, checkType } from '../core/check.js';
import { fail, ok, type Result } from '../core/error-codes.js';
import { holdsPermission, keyPosition, keyVerdict, type KeyRecord, type RateBucket } from '../core/key-record.js';
import type { AuthModel } from '../core/model/model.js';
import type { VerifyAnswerObject, VerifyInput } from '../api/verify.js';
import type { Authentication, Authenticator } from './authenticate.js';
import type { CreditPlan, CreditSpender, Spend } from './credits.js';
import type { ResourceLookup } from './resource-lookup.js';
import {
  answer,
  creditsJson,
  metered as meteredResult,
  ReusedResult,
  reusable,
  verdictCode,
  written,
  WrittenResult,
  type AnswerCode,
} from './answers.js';
import { limitVerdict, ratelimitsJson, type RateLimiter, type RateOutcome } from './rate-limits.js';
import type { UsageSink } from './usage-recorder.js';

export interface VerifyDeps {
  readonly authenticator: Authenticator;
  readonly clock: Clock;
  readonly clientCacheTtlMs: number;
  readonly model: AuthModel;
  readonly resources: ResourceLookup;
  /** Counts every verdict about a known key (in memory; flushed in batches). Absent: not counted. */
  readonly usage?: UsageSink;
  /** Takes from the buckets of keys with rate limits (in memory, or Redis where configured). */
  readonly rateLimits: RateLimiter;
  /** Spends usage credits of keys that have them. Absent: credits are not enforced. */
  readonly credits?: CreditSpender;
  /**
   * Whether verdicts are sent on as JSON (the HTTP routes): a cached key's fixed verdicts are then
   * kept as their JSON alone, and the verdict about a key with rate limits or with credits (not
   * both) is written as its reply's text, with no answer object (answers.ts, WrittenResult).
   * Absent or false (an embedding caller): answers are objects, as a caller keeps, spreads and
   * compares them.
   */
  readonly repliesAsJson?: boolean;
}

export type VerifyResult = Result<VerifyAnswerObject>;

export { answerJson, verdictCode } from './answers.js';

/**
 * Verifies one request. `sourceIp`: where the request came from (the socket, or the proxy's
 * X-Forwarded-For when trusted); the key's last-used IP is the request's `clientIp` if given,
 * else this. IP allowlists look at `clientIp` alone. A promise only when storage must be read (a
 * cache miss, or a resource to look up).
 */
export type Verifier = (input: VerifyInput, sourceIp?: string) => VerifyResult | Promise<VerifyResult>;

const NOT_FOUND: VerifyResult = reusable(answer('NOT_FOUND', null, 0));
const REQUEST_OK: Result<null> = ok(null);

/** The request must speak the model's language: 400 naming what it does not know. */
function checkRequest(model: AuthModel, input: VerifyInput): Result<null> {
  if (input.permission !== undefined && !model.permissions.has(input.permission)) {
    return fail('VALIDATION', `unknown permission: ${input.permission}`, { field: 'permission' });
  }
  if ((input.action === undefined) !== (input.resource === undefined)) {
    return fail('VALIDATION', 'action and resource go together: send both or neither', {
      field: input.action === undefined ? 'action' : 'resource',
    });
  }
  if (input.action !== undefined && !model.actions.has(input.action)) {
    return fail('VALIDATION', `unknown action: ${input.action} (known: ${[...model.actions].join(', ')})`, {
      field: 'action',
    });
  }
  // The schema's pattern admits only IP characters; "::::::::" is made of them and is no address.
  if (input.clientIp !== undefined && isIP(input.clientIp) === 0) {
    return fail('VALIDATION', `clientIp must be an IPv4 or IPv6 address: ${input.clientIp}`, { field: 'clientIp' });
  }
  const resource = input.resource;
  if (resource !== undefined) {
    if (!model.types.has(resource.type))
      return fail('VALIDATION', `unknown resource type: ${resource.type}`, { field: 'resource.type' });
    if (resource.id !== undefined && resource.externalId !== undefined) {
      return fail('VALIDATION', 'name the resource by id or by externalId, not both', { field: 'resource' });
    }
  }
  return REQUEST_OK;
}

/**
 * The answers about one key record that no request changes, made when first asked for; METERED:
 * the VALID answer of a key with rate limits, before their states are added (`cacheTtlMs` 0).
 */
type FixedAnswers = Partial<Record<AnswerCode | 'METERED', FixedAnswer>>;

/** As objects for a caller that keeps them; as their JSON alone where verdicts are sent on (`repliesAsJson`). */
type FixedAnswer = ReusedResult | WrittenResult;

const isFixedAnswer = (held: FixedAnswer | FixedAnswers): held is FixedAnswer =>
  held instanceof WrittenResult || held instanceof ReusedResult;

export function createVerifier(deps: VerifyDeps): Verifier {
  // Keyed by the record itself: a change to the key evicts it and a new record is loaded, so an
  // answer kept here can never outlive what it says. Most keys are only ever VALID: their one
  // answer is kept alone, and a table of answers is made only for a key asked about more.
  const fixed = new WeakMap<KeyRecord, FixedAnswer | FixedAnswers>();
  const keep = deps.repliesAsJson === true ? written : reusable;

  const fixedAnswer = (key: KeyRecord, code: AnswerCode | 'METERED'): FixedAnswer => {
    const held = fixed.get(key);
    if (code === 'VALID' && held !== undefined && isFixedAnswer(held)) return held;
    const make = (): FixedAnswer =>
      keep(code === 'METERED' ? answer('VALID', key, 0) : answer(code, key, deps.clientCacheTtlMs));
    if (held === undefined && code === 'VALID') {
      const made = make();
      fixed.set(key, made);
      return made;
    }
    let answers: FixedAnswers;
    if (held === undefined) fixed.set(key, (answers = {}));
    else if (isFixedAnswer(held)) fixed.set(key, (answers = { VALID: held }));
    else answers = held;
    let result = answers[code];
    if (result === undefined) answers[code] = result = make();
    return result;
  };

  /** A fixed answer where verdicts are sent as JSON (`repliesAsJson`), which keeps them so. */
  const writtenAnswer = (key: KeyRecord, code: AnswerCode | 'METERED'): WrittenResult =>
    fixedAnswer(key, code) as WrittenResult;

  /** A spend the balance did not cover: nothing spent, the balance said. */
  const exceeded = (key: KeyRecord, remaining: number): VerifyAnswerObject => ({
    ...answer('USAGE_EXCEEDED', key, 0),
    credits: { remaining },
  });

  const forbidden = (key: KeyRecord, missing: NonNullable<VerifyAnswerObject['missing']>): VerifyResult =>
    ok({ ...answer('FORBIDDEN', key, 0), missing });

  const actionAllowed = (
    key: KeyRecord,
    action: string,
    resource: NonNullable<VerifyInput['resource']>,
  ): boolean | Promise<boolean> => {
    const position = keyPosition(key);
    if (resource.id === undefined && resource.externalId === undefined)
      return checkType(position, key.grants, action, resource.type).allowed;
    return deps.resources.find(resource, key.environmentId).then(
      // An unknown resource, or one of another type than asked, is FORBIDDEN: existence is not revealed.
      (target) =>
        target !== undefined &&
        target.type === resource.type &&
        checkResource(position, key.grants, action, target).allowed,
    );
  };

  const counted = (
    key: KeyRecord,
    result: VerifyResult,
    input: VerifyInput,
    sourceIp: string | undefined,
    now: number,
  ): VerifyResult => {
    // Every verdict about a known key is usage; an unknown or malformed key is no key's.
    if (result.ok) deps.usage?.record(key, verdictCode(result), input.clientIp ?? sourceIp ?? null, now, input.tags);
    return result;
  };

  // Rate limits, then credits, after the permission check, so a refused request spends nothing
  // (SPEC §4); a key with neither gets the fixed answer, and no promise; a rate limit in memory
  // makes none either: only Redis or a credit spent (storage) waits.
  const valid = (
    key: KeyRecord,
    input: VerifyInput,
    sourceIp: string | undefined,
    now: number,
  ): VerifyResult | Promise<VerifyResult> => {
    const spendsCredits = key.credits !== undefined && deps.credits !== undefined && input.cost !== 0;
    const buckets = key.ratelimits;
    if (buckets === undefined && !spendsCredits) return counted(key, fixedAnswer(key, 'VALID'), input, sourceIp, now);
    if (deps.repliesAsJson !== true || (buckets !== undefined && spendsCredits))
      return meteredAnswer(key, input, sourceIp, now);
    // One control alone, for a reply sent as JSON: no answer object at all.
    const cost = input.cost ?? 1;
    if (buckets === undefined) {
      const spent = (deps.credits as CreditSpender).spend(key.id, key.credits as CreditPlan, cost, now);
      return spent instanceof Promise
        ? spent.then((settled) => counted(key, spentResult(key, settled), input, sourceIp, now))
        : counted(key, spentResult(key, spent), input, sourceIp, now);
    }
    const outcome = deps.rateLimits.take(buckets, cost, now);
    return outcome instanceof Promise
      ? outcome.then((settled) => counted(key, limitedResult(key, buckets, settled, now), input, sourceIp, now))
      : counted(key, limitedResult(key, buckets, outcome, now), input, sourceIp, now);
  };

  /** A metered verdict as an object: credits spent, or rate limits for a caller that keeps objects. */
  const meteredAnswer = (
    key: KeyRecord,
    input: VerifyInput,
    sourceIp: string | undefined,
    now: number,
  ): VerifyResult | Promise<VerifyResult> => {
    const verdict = metered(key, input.cost ?? 1, now);
    return verdict instanceof Promise
      ? verdict.then((settled) => counted(key, ok(settled), input, sourceIp, now))
      : counted(key, ok(verdict), input, sourceIp, now);
  };

  /** A key with rate limits alone: its reused answer and the buckets' states, as the reply's JSON. */
  const limitedResult = (key: KeyRecord, buckets: readonly RateBucket[], outcome: RateOutcome, now: number) =>
    meteredResult(
      writtenAnswer(key, outcome.allowed ? 'METERED' : 'RATE_LIMITED'),
      ratelimitsJson(buckets, outcome, now),
    );

  /** A key with credits alone: its reused answer and what the spend left, as the reply's JSON. */
  const spentResult = (key: KeyRecord, spent: Spend): VerifyResult =>
    spent.spent
      ? meteredResult(writtenAnswer(key, 'METERED'), creditsJson(spent.remaining))
      : ok(exceeded(key, spent.remaining));

  const metered = (key: KeyRecord, cost: number, now: number): VerifyAnswerObject | Promise<VerifyAnswerObject> => {
    if (key.ratelimits === undefined) return spend(key, cost, now, answer('VALID', key, deps.clientCacheTtlMs));
    // The key's reused answers with the buckets' states added, as an object the credit spend completes.
    const limited = limitVerdict(
      deps.rateLimits,
      key,
      cost,
      now,
      fixedAnswer(key, 'METERED').value,
      fixedAnswer(key, 'RATE_LIMITED').value,
    );
    return limited instanceof Promise
      ? limited.then((settled) => spend(key, cost, now, settled))
      : spend(key, cost, now, limited);
  };

  const spend = (
    key: KeyRecord,
    cost: number,
    now: number,
    verdict: VerifyAnswerObject,
  ): VerifyAnswerObject | Promise<VerifyAnswerObject> => {
    if (verdict.code !== 'VALID' || key.credits === undefined || deps.credits === undefined || cost === 0)
      return verdict;
    // From a leased block in memory, or one storage trip (credit-leases.ts): a spending answer may not be reused.
    const spent = deps.credits.spend(key.id, key.credits, cost, now);
    return spent instanceof Promise
      ? spent.then((settled) => charged(key, cost, now, verdict, settled))
      : charged(key, cost, now, verdict, spent);
  };

  const charged = (
    key: KeyRecord,
    cost: number,
    now: number,
    verdict: VerifyAnswerObject,
    spent: Spend,
  ): VerifyAnswerObject | Promise<VerifyAnswerObject> => {
    if (spent.spent) {
      // The verdict was made for this request (metered): completed in place, since a copy by
      // spread to add a field costs more than the rest of a cache hit (1.4 µs, bench in-process).
      verdict.cacheTtlMs = 0;
      verdict.credits = { remaining: spent.remaining };
      return verdict;
    }
    const refused = exceeded(key, spent.remaining);
    if (key.ratelimits === undefined || verdict.ratelimits === undefined) return refused;
    // Refused after its rate limits were taken: they are given back, as for every refusal.
    const [limits, states] = [key.ratelimits, verdict.ratelimits];
    return (async () => {
      await deps.rateLimits.refund(limits, cost, now);
      return {
        ...refused,
        ratelimits: states.map((state) => ({ ...state, remaining: Math.min(state.limit, state.remaining + cost) })),
      };
    })();
  };

  const actionSettled = (
    allowed: boolean,
    key: KeyRecord,
    input: VerifyInput,
    sourceIp: string | undefined,
    now: number,
  ): VerifyResult | Promise<VerifyResult> => {
    if (allowed) return valid(key, input, sourceIp, now);
    const { action, resource } = input as Required<Pick<VerifyInput, 'action' | 'resource'>>;
    return counted(key, forbidden(key, { action, resource }), input, sourceIp, now);
  };

  const decide = (
    authentication: Authentication,
    input: VerifyInput,
    sourceIp: string | undefined,
    now: number,
  ): VerifyResult | Promise<VerifyResult> => {
    if (!authentication.found) return NOT_FOUND;
    const key = authentication.key;
    const status = keyVerdict(key, now);
    if (status !== 'VALID') return counted(key, fixedAnswer(key, status), input, sourceIp, now);
    // Only `clientIp` says where the key's user is: verify's own source (the socket, or what a
    // trusted proxy forwarded) is the platform service asking, so without it a list fails closed.
    if (key.ipAllowlists !== undefined && !allowedByAll(key.ipAllowlists, input.clientIp)) {
      return counted(key, forbidden(key, { ip: input.clientIp ?? 'unknown' }), input, sourceIp, now);
    }
    if (input.permission !== undefined && !holdsPermission(key, input.permission)) {
      return counted(key, forbidden(key, { permission: input.permission }), input, sourceIp, now);
    }
    const { action, resource } = input;
    if (action !== undefined && resource !== undefined) {
      const allowed = actionAllowed(key, action, resource);
      // A type-wide question is answered in this turn, with no closure made for it.
      if (typeof allowed === 'boolean') return actionSettled(allowed, key, input, sourceIp, now);
      return allowed.then((yes) => actionSettled(yes, key, input, sourceIp, now));
    }
    return valid(key, input, sourceIp, now);
  };

  return (input, sourceIp) => {
    const request = checkRequest(deps.model, input);
    if (!request.ok) return request;
    const now = deps.clock.now();
    const quick = deps.authenticator.fromCache(input.key, now);
    if (quick.found !== 'ask-storage') return decide(quick, input, sourceIp, now);
    // A miss waited on storage: the verdict is judged at the moment the answer came.
    return deps.authenticator
      .fromStorage(quick)
      .then((authentication) => decide(authentication, input, sourceIp, deps.clock.now()));
  };
}
