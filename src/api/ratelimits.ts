/** Rate limits on a key or a policy (SPEC §4 "Usage controls"): named fixed-window budgets. */
import { Type, type Static } from '@sinclair/typebox';

export const RateLimit = Type.Object(
  {
    name: Type.String({
      pattern: '^[A-Za-z][A-Za-z0-9_.-]*$',
      maxLength: 64,
      description: 'unique among the key’s (or the policy’s) limits',
    }),
    limit: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'units allowed per window (at least 1)' }),
    durationMs: Type.Integer({
      minimum: 1_000,
      maximum: 86_400_000,
      description: 'the window, from 1 000 ms (1 s) to 86 400 000 ms (1 day)',
    }),
  },
  { additionalProperties: false },
);

export const RateLimits = Type.Array(RateLimit, { maxItems: 10, description: 'replaces the whole set; [] clears it' });

export const RateLimitState = Type.Object({
  name: Type.String(),
  limit: Type.Integer({ description: 'the limit this node enforces (ceil(limit / KEYWARD_NODES) without Redis)' }),
  remaining: Type.Integer(),
  resetAt: Type.String({ format: 'date-time', description: 'when the current window ends' }),
});

export type RateLimitObject = Static<typeof RateLimit>;
export type RateLimitStateObject = Static<typeof RateLimitState>;
