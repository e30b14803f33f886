/** CIDR matching for IP allowlists: the edges of IPv4 and IPv6 ranges, and IPv4-mapped IPv6. */
import { describe, expect, it } from 'vitest';
import { allowedByAll, allows, checkAllowlist, compileAllowlist, type IpAllowlist } from './ip-allowlist.js';

const list = (...entries: string[]): IpAllowlist => {
  const compiled = compileAllowlist(entries);
  if (compiled === undefined) throw new Error('a list was given');
  return compiled;
};

describe('IPv4 ranges', () => {
  it('/0 admits every IPv4 address', () => {
    expect(allows(list('0.0.0.0/0'), '0.0.0.0')).toBe(true);
    expect(allows(list('0.0.0.0/0'), '255.255.255.255')).toBe(true);
  });

  it('/32 admits exactly its address', () => {
    expect(allows(list('203.0.113.7/32'), '203.0.113.7')).toBe(true);
    expect(allows(list('203.0.113.7/32'), '203.0.113.8')).toBe(false);
  });

  it('a bare address is its own /32', () => {
    expect(allows(list('203.0.113.7'), '203.0.113.7')).toBe(true);
    expect(allows(list('203.0.113.7'), '203.0.113.6')).toBe(false);
  });

  it('admits both ends of a /24 and neither neighbour', () => {
    const range = list('192.168.1.0/24');
    expect(allows(range, '192.168.1.0')).toBe(true);
    expect(allows(range, '192.168.1.255')).toBe(true);
    expect(allows(range, '192.168.0.255')).toBe(false);
    expect(allows(range, '192.168.2.0')).toBe(false);
  });

  it('an IPv4 range does not admit an IPv6 address', () => {
    expect(allows(list('0.0.0.0/0'), '2001:db8::1')).toBe(false);
  });
});

describe('IPv6 ranges', () => {
  it('/0 admits every IPv6 address', () => {
    expect(allows(list('::/0'), '::')).toBe(true);
    expect(allows(list('::/0'), 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
  });

  it('/128 admits exactly its address, however it is written', () => {
    expect(allows(list('2001:db8::1/128'), '2001:0db8:0000:0000:0000:0000:0000:0001')).toBe(true);
    expect(allows(list('2001:db8::1/128'), '2001:db8::2')).toBe(false);
  });

  it('admits both ends of a /32 and neither neighbour', () => {
    const range = list('2001:db8::/32');
    expect(allows(range, '2001:db8::')).toBe(true);
    expect(allows(range, '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(allows(range, '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(false);
    expect(allows(range, '2001:db9::')).toBe(false);
  });
});

describe('IPv4-mapped IPv6', () => {
  it('an IPv4-mapped address matches its IPv4 range', () => {
    expect(allows(list('10.0.0.0/8'), '::ffff:10.1.2.3')).toBe(true);
    expect(allows(list('10.0.0.0/8'), '::ffff:11.1.2.3')).toBe(false);
  });

  it('a range written IPv4-mapped admits the plain IPv4 address', () => {
    expect(allows(list('::ffff:10.0.0.0/104'), '10.200.0.1')).toBe(true);
    expect(allows(list('::ffff:10.0.0.0/104'), '11.0.0.1')).toBe(false);
  });
});

describe('lists', () => {
  it('the address must be in every list that applies', () => {
    const key = list('10.0.0.0/8');
    const environment = list('10.1.0.0/16');
    expect(allowedByAll([key, environment], '10.1.2.3')).toBe(true);
    expect(allowedByAll([key, environment], '10.2.0.1')).toBe(false);
  });

  it('no address is in no list', () => {
    expect(allowedByAll([list('0.0.0.0/0')], undefined)).toBe(false);
  });

  it('names the first entry that is no CIDR range', () => {
    const checked = checkAllowlist(['10.0.0.0/8', '10.0.0.0/33', 'nonsense'], 'ipAllowlist');
    expect(checked).toMatchObject({ ok: false, problem: { code: 'VALIDATION', extra: { field: 'ipAllowlist.1' } } });
    expect(checked.ok ? '' : checked.problem.detail).toContain('10.0.0.0/33');
  });

  it('refuses an IPv6 prefix longer than 128 bits', () => {
    expect(checkAllowlist(['2001:db8::/129'], 'ipAllowlist').ok).toBe(false);
  });
});

describe('entries as written', () => {
  const refusal = (entry: string): string => {
    const checked = checkAllowlist(['10.0.0.0/8', entry], 'ipAllowlist');
    if (checked.ok) throw new Error(`${entry} was taken as ${JSON.stringify(checked.value)}`);
    expect(checked.problem).toMatchObject({ code: 'VALIDATION', extra: { field: 'ipAllowlist.1' } });
    expect(checked.problem.detail).toContain(entry);
    return checked.problem.detail;
  };

  it.each([
    ['010.0.0.0/8', 'a leading zero (8.0.0.0 to some parsers, 10.0.0.0 to others)'],
    ['10.00.0.0/16', 'a leading zero in a later part'],
    ['192.168.001.1', 'a bare address with a leading zero'],
    ['10.1/16', 'fewer than four parts'],
    ['0x0a.0.0.0/8', 'a hexadecimal part'],
    ['167772160', 'an address as one number'],
    ['::ffff:010.0.0.0/104', 'a leading zero in an IPv4 inside IPv6'],
  ])('refuses %s (%s), naming it', (entry) => {
    expect(refusal(entry)).toMatch(/four decimal numbers from 0 to 255 without leading zeros/);
  });

  it('refuses a prefix length written with a leading zero or a sign', () => {
    expect(refusal('10.0.0.0/08')).toMatch(/prefix length/);
    expect(refusal('2001:db8::/+32')).toMatch(/prefix length/);
  });

  it('refuses a range with host bits set, offering the network and the one address', () => {
    expect(refusal('10.0.0.1/8')).toContain('write 10.0.0.0/8 for the network, or 10.0.0.1 for the one address');
    expect(refusal('2001:db8::1/32')).toContain(
      'write 2001:db8::/32 for the network, or 2001:db8::1 for the one address',
    );
  });

  it('refuses an IPv6 zone index', () => {
    expect(refusal('fe80::1%eth0/128')).toMatch(/zone/);
  });

  it('answers IPv4 as written and IPv6 in its RFC 5952 form, the form that is stored', () => {
    expect(
      checkAllowlist(
        [
          '0.0.0.0/0',
          '203.0.113.7',
          '198.51.100.0/24',
          '2001:0DB8:0:0::/32',
          'FE80:0:0:0:0:0:0:1',
          '::FFFF:10.0.0.0/104',
          '::/0',
        ],
        'ipAllowlist',
      ),
    ).toEqual({
      ok: true,
      value: ['0.0.0.0/0', '203.0.113.7', '198.51.100.0/24', '2001:db8::/32', 'fe80::1', '::ffff:10.0.0.0/104', '::/0'],
    });
  });
});
