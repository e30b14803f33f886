/** Rate limits as given (names unique per key or policy) and as the verify path counts them. */
import type { RateLimitObject } from '../../api/ratelimits.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import type { RateBucket } from '../../core/key-record.js';

/** The limits given, checked, with only the fields a limit has (what the row keeps); undefined when none is given. */
export function checkRateLimits(limits: readonly RateLimitObject[] | undefined): Result<RateLimitObject[] | undefined> {
  if (limits === undefined) return ok(undefined);
  const names = new Set<string>();
  for (const [index, limit] of limits.entries()) {
    if (names.has(limit.name))
      return fail('VALIDATION', `rate limit name ${limit.name} is given twice`, { field: `ratelimits.${index}.name` });
    names.add(limit.name);
  }
  return ok(limits.map(({ name, limit, durationMs }) => ({ name, limit, durationMs })));
}

/** A key's or a policy's limits as the verify path counts them: each bucket named by its owner. */
export function bucketsOf(owner: 'key' | 'policy', id: string, limits: readonly RateLimitObject[]): RateBucket[] {
  return limits.map((limit) => ({
    id: `${owner}:${id}:${limit.name}`,
    name: limit.name,
    limit: limit.limit,
    durationMs: limit.durationMs,
    // Present from the start, so every bucket keeps one shape when its window is set.
    window: undefined,
  }));
}
