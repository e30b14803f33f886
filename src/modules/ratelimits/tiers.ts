/**
 * Tiers (seed 003): a tenant's `tier` names defaults for its new keys, from instance configuration.
 * `KEYWARD_TIERS` is the path of a JSON or YAML file `{tiers: {<name>: {ratelimits?: [...],
 * credits?: {...}}}}`, read once at start. A new key gets its tier's rate limits and credits unless
 * it is created with its own (`ratelimits: []` or `credits: null` included: defaults, not floors).
 */
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { CreditsSchema, type KeyObject } from '../../api/keys.js';
import { type RateLimitObject, RateLimits } from '../../api/ratelimits.js';
import type { TierListObject } from '../../api/tiers.js';
import { checkRateLimits } from './ratelimit-columns.js';

const TierSettings = Type.Object(
  { ratelimits: Type.Optional(RateLimits), credits: Type.Optional(CreditsSchema) },
  { additionalProperties: false },
);
const TiersFile = Type.Object(
  { tiers: Type.Record(Type.String({ minLength: 1, maxLength: 50 }), TierSettings) },
  { additionalProperties: false },
);

export type Tiers = Static<typeof TiersFile>['tiers'];

export class TiersError extends Error {}

/** The tiers of the file at `path`; a file that does not parse or fit is refused at start, naming where. */
export function loadTiers(path: string): Tiers {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TiersError(`KEYWARD_TIERS: cannot read ${path}: ${(error as Error).message}`);
  }
  const problem = Value.Errors(TiersFile, parsed).First();
  if (problem !== undefined) throw new TiersError(`KEYWARD_TIERS: ${path}: ${problem.path || '/'} ${problem.message}`);
  const tiers = (parsed as Static<typeof TiersFile>).tiers;
  for (const [name, tier] of Object.entries(tiers)) {
    const checked = checkRateLimits(tier.ratelimits);
    if (!checked.ok) throw new TiersError(`KEYWARD_TIERS: ${path}: tier ${name}: ${checked.problem.detail}`);
  }
  return tiers;
}

/** The rate limits a new key of a tenant on `tier` starts with (a copy); none where the tier names none. */
export function tierRateLimits(tiers: Tiers | undefined, tier: string): RateLimitObject[] {
  return [...(tiers?.[tier]?.ratelimits ?? [])];
}

/** The credits a new key of a tenant on `tier` starts with; none (not metered) where the tier names none. */
export function tierCredits(tiers: Tiers | undefined, tier: string): KeyObject['credits'] {
  return tiers?.[tier]?.credits ?? null;
}

/** Every tier of the instance as `GET /v1/tiers` answers it, by name; none when KEYWARD_TIERS is unset. */
export function listTiers(tiers: Tiers | undefined, defaultTier: string): TierListObject {
  const items = Object.entries(tiers ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, tier]) => ({ name, ratelimits: tier.ratelimits ?? [], credits: tier.credits ?? null }));
  return { items, nextCursor: null, defaultTier };
}
