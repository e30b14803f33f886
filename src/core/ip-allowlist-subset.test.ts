/**
 * Whether one IP allowlist admits nothing another does not: on addresses, as `allows` matches
 * them, whatever the entries' text. The property: when `coversAll(outer, inner)`, no address
 * `inner` admits is refused by `outer`; and a list never covers one that admits more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allows, compileAllowlist, type IpAllowlist } from './ip-allowlist.js';
import { coversAll } from './ip-allowlist-subset.js';

const list = (...entries: string[]): IpAllowlist => {
  const compiled = compileAllowlist(entries);
  if (compiled === undefined) throw new Error('a list was given');
  return compiled;
};

describe('coversAll', () => {
  it('a list covers itself, its narrowings and the empty list', () => {
    expect(coversAll(list('10.0.0.0/8'), list('10.0.0.0/8'))).toBe(true);
    expect(coversAll(list('10.0.0.0/8'), list('10.1.2.3', '10.255.0.0/16'))).toBe(true);
    expect(coversAll(list('10.0.0.0/8'), list())).toBe(true);
  });

  it('two halves cover their whole, and the whole its halves', () => {
    expect(coversAll(list('10.0.0.0/9', '10.128.0.0/9'), list('10.0.0.0/8'))).toBe(true);
    expect(coversAll(list('10.0.0.0/8'), list('10.0.0.0/9', '10.128.0.0/9'))).toBe(true);
    expect(coversAll(list('10.0.0.0/9', '10.128.0.0/10'), list('10.0.0.0/8'))).toBe(false);
  });

  it('judges a range by its prefix, not the host bits of its base', () => {
    expect(coversAll(list('10.0.0.0/8'), list('10.9.9.9/8'))).toBe(true);
    expect(coversAll(list('10.1.0.0/16'), list('10.1.9.9/8'))).toBe(false);
  });

  it('matches an IPv4-mapped range as the IPv4 range it carries', () => {
    expect(coversAll(list('10.0.0.0/8'), list('::ffff:10.0.0.0/104'))).toBe(true);
    expect(coversAll(list('::ffff:10.0.0.0/104'), list('10.0.0.0/8'))).toBe(true);
    expect(coversAll(list('10.0.0.0/8'), list('::ffff:0:0/96'))).toBe(false);
  });

  it('keeps IPv4 and IPv6 apart: ::/0 admits no IPv4 address, and covers none', () => {
    expect(coversAll(list('::/0'), list('10.0.0.0/8'))).toBe(false);
    expect(coversAll(list('0.0.0.0/0'), list('2001:db8::/32'))).toBe(false);
    expect(coversAll(list('2001:db8::/32'), list('2001:db8:1::/48'))).toBe(true);
    expect(coversAll(list('2001:db8::/48'), list('2001:db8::/32'))).toBe(false);
  });

  // Ranges inside 10.0.0.0/14, so that lists overlap often; some written as IPv4-mapped IPv6.
  const octet = fc.integer({ min: 0, max: 255 });
  const v4Range = fc
    .tuple(fc.integer({ min: 0, max: 3 }), octet, octet, fc.integer({ min: 14, max: 32 }))
    .map(([b, c, d, bits]) => `10.${b}.${c}.${d}/${bits}`);
  const entry = fc.tuple(v4Range, fc.boolean()).map(([range, asMapped]) => {
    const [address, bits] = range.split('/');
    return asMapped ? `::ffff:${address}/${Number(bits) + 96}` : range;
  });
  const entries = fc.array(entry, { maxLength: 4 });
  /** The first and last address of each range: where a wider list shows first. */
  const edges = (ranges: readonly string[]): string[] =>
    ranges.flatMap((range) => {
      const [address = '', bits] = range.replace('::ffff:', '').split('/');
      const prefix = Number(bits) - (range.startsWith('::ffff:') ? 96 : 0);
      const value = address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
      const size = 2 ** (32 - prefix);
      const first = value - (value % size);
      return [first, first + size - 1].map((n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
    });

  it('never says a list is covered when it admits an address the other refuses', () => {
    fc.assert(
      fc.property(entries, entries, (outer, inner) => {
        const covered = coversAll(list(...outer), list(...inner));
        const escapes = edges(inner).filter((at) => allows(list(...inner), at) && !allows(list(...outer), at));
        if (covered) expect(escapes).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('says so when every range of one lies inside a range of the other', () => {
    fc.assert(
      fc.property(entries, (outer) => {
        const inner = outer.map((range) =>
          range.replace(
            /\/(\d+)$/,
            (_m, bits: string) => `/${Math.min(Number(bits) + 1, range.startsWith('::') ? 128 : 32)}`,
          ),
        );
        expect(coversAll(list(...outer), list(...inner))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
