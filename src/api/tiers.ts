/** The instance's tiers (`KEYWARD_TIERS`): what a tenant on each tier gives its new keys. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { CreditsSchema } from './keys.js';
import { RateLimits } from './ratelimits.js';

export const TierSchema = Type.Object({
  name: Type.String({ description: "the value of a tenant's `tier`" }),
  ratelimits: Type.Array(RateLimits.items, { description: 'the rate limits a new key of a tenant on this tier gets' }),
  credits: Nullable(CreditsSchema, 'the credits a new key gets; null: not metered'),
});

/** Every tier of the instance, by name; `nextCursor` is always null (the whole file is one page). */
export const TierList = Type.Object({
  items: Type.Array(TierSchema),
  nextCursor: Type.Null(),
  defaultTier: Type.String({ description: 'the tier a tenant created without one gets' }),
});

export type TierObject = Static<typeof TierSchema>;
export type TierListObject = Static<typeof TierList>;
