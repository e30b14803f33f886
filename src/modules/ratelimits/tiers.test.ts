import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTiers } from './tiers.js';

const file = (text: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'keyward-tiers-')), 'tiers.json');
  writeFileSync(path, text);
  return path;
};

describe('KEYWARD_TIERS', () => {
  it('reads JSON too, with rate limits and credits', () => {
    expect(
      loadTiers(
        file(
          '{"tiers": {"pro": {"ratelimits": [{"name": "s", "limit": 5, "durationMs": 1000}], "credits": {"remaining": 10}}}}',
        ),
      ),
    ).toEqual({
      pro: { ratelimits: [{ name: 's', limit: 5, durationMs: 1000 }], credits: { remaining: 10 } },
    });
  });

  it('refuses credits that do not fit, naming where', () => {
    expect(() => loadTiers(file('{"tiers": {"pro": {"credits": {"remaining": -1}}}}'))).toThrow(
      /tiers\/pro\/credits\/remaining/,
    );
    expect(() =>
      loadTiers(file('{"tiers": {"pro": {"credits": {"remaining": 5, "refill": {"amount": 5, "interval": "week"}}}}}')),
    ).toThrow(/tiers\/pro\/credits\/refill/);
  });

  it('refuses a window under a second, naming where', () => {
    expect(() =>
      loadTiers(file('{"tiers": {"pro": {"ratelimits": [{"name": "s", "limit": 5, "durationMs": 10}]}}}')),
    ).toThrow(/tiers\/pro\/ratelimits\/0\/durationMs/);
  });

  it('refuses a rate limit name given twice in a tier', () => {
    expect(() =>
      loadTiers(
        file(
          '{"tiers": {"pro": {"ratelimits": [{"name": "s", "limit": 5, "durationMs": 1000}, {"name": "s", "limit": 9, "durationMs": 1000}]}}}',
        ),
      ),
    ).toThrow(/tier pro: rate limit name s is given twice/);
  });
});
