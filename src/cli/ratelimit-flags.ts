/** `--ratelimit <name>:<limit>/<durationMs>` (repeatable) as the API's `ratelimits`. */
import type { RateLimitObject } from '../api/ratelimits.js';
import { UsageError } from './output.js';

const FLAG = /^([A-Za-z][A-Za-z0-9_.-]*):([0-9]+)\/([0-9]+)$/;

export function parseRateLimitFlags(
  values: readonly string[] | undefined,
  clear: boolean,
): RateLimitObject[] | undefined {
  if (clear) {
    if (values !== undefined) throw new UsageError('--clear-ratelimits and --ratelimit go apart');
    return [];
  }
  return values?.map((value) => {
    const match = FLAG.exec(value);
    if (match === null)
      throw new UsageError(`--ratelimit is <name>:<limit>/<durationMs>, e.g. per-second:10/1000 (got ${value})`);
    return { name: match[1] ?? '', limit: Number(match[2]), durationMs: Number(match[3]) };
  });
}
