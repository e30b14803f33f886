/** Rate limits as stored (a JSON column) and as given (names unique per key or policy). */
import type { RateLimitObject } from '../../api/ratelimits.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import type { RateBucket } from '../../core/key-record.js';
import { rateLimitList } from '../../storage/column-codec.js';

export function checkRateLimits(limits: readonly RateLimitObject[] | undefined): Result<string | undefined> {
  if (limits === undefined) return ok(undefined);
  const names = new Set<string>();
  for (const [index, limit] of limits.entries()) {
    if (names.has(limit.name))
      return fail('VALIDATION', `rate limit name ${limit.name} is given twice`, { field: `ratelimits.${index}.name` });
    names.add(limit.name);
  }
  return ok(JSON.stringify(limits.map(({ name, limit, durationMs }) => ({ name, limit, durationMs }))));
}

/** A key's (`api_keys`) or policy's (`policies`) stored rate limits, checked. */
export function parseRateLimits(column: string | null | undefined, table: 'api_keys' | 'policies'): RateLimitObject[] {
  return column == null ? [] : rateLimitList.decode(column, `${table}.ratelimits`);
}

/** A key's or a policy's stored limits as the verify path counts them: each bucket named by its owner. */
export function bucketsOf(owner: 'key' | 'policy', id: string, column: string | null): RateBucket[] {
  return parseRateLimits(column, owner === 'key' ? 'api_keys' : 'policies').map((limit) => ({
    id: `${owner}:${id}:${limit.name}`,
    name: limit.name,
    limit: limit.limit,
    durationMs: limit.durationMs,
  }));
}
