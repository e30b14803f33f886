import { describe, expect, it } from 'vitest';
import { createFloodGuard, sourceOf } from './flood-guard.js';

describe('sourceOf', () => {
  it('is the address for IPv4, IPv4-mapped IPv6 included', () => {
    expect(sourceOf('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('is the /64 for IPv6, however the address is written', () => {
    expect(sourceOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceOf('::1')).toBe('0:0:0:0::/64');
    expect(sourceOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describe('the flood guard', () => {
  it('stays within its bound under a spray of sources', () => {
    const guard = createFloodGuard({ limit: 1, windowMs: 60_000, maxSources: 1000 });
    for (let i = 0; i < 100_000; i++) guard.failed(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 1);
    expect(guard.size).toBe(1000);
  });

  it('refuses past the limit with the seconds left in the window', () => {
    const guard = createFloodGuard({ limit: 2, windowMs: 60_000, maxSources: 10 });
    expect([guard.failed('a', 0), guard.failed('a', 1000), guard.failed('a', 30_500)]).toEqual([0, 0, 30]);
    expect(guard.failed('b', 30_500)).toBe(0);
    expect(guard.failed('a', 60_000)).toBe(0);
  });
});
