/**
 * IP allowlists (issue 17): CIDR ranges, IPv4 and IPv6, parsed and matched with ipaddr.js (what
 * Fastify's proxy-addr uses), never with regexes. An IPv4-mapped IPv6 address is matched as the
 * IPv4 address it carries, so `::ffff:10.0.0.1` is inside `10.0.0.0/8`.
 */
import ipaddr from 'ipaddr.js';
import { fail, ok, type Result } from './error-codes.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A compiled list: the address must fall in one of its ranges. */
export interface IpAllowlist {
  readonly ranges: readonly Range[];
}

/** A bare address is its own single-address range (/32 or /128). */
function parseEntry(entry: string): Range | null {
  try {
    if (entry.includes('/')) return ipaddr.parseCIDR(entry);
    const address = ipaddr.parse(entry);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

/** Checks a list as given by a caller: 400 VALIDATION naming the first entry that is no CIDR. */
export function checkAllowlist(entries: readonly string[], field: string): Result<string[]> {
  for (const [index, entry] of entries.entries()) {
    if (parseEntry(entry) === null) return fail('VALIDATION', `not an IPv4 or IPv6 CIDR range: ${entry}`, { field: `${field}.${index}` });
  }
  return ok([...entries]);
}

/** A list as given (undefined: unchanged, null: cleared) to its stored JSON, checked. */
export function serialiseAllowlist(entries: readonly string[] | null | undefined, field: string): Result<string | null | undefined> {
  if (entries === undefined || entries === null) return ok(entries);
  const checked = checkAllowlist(entries, field);
  return checked.ok ? ok(JSON.stringify(checked.value)) : checked;
}

/** From the stored JSON list (null: no list) to its compiled form; stored entries were checked. */
export function compileAllowlist(stored: string | null): IpAllowlist | undefined {
  if (stored === null) return undefined;
  const ranges = (JSON.parse(stored) as string[]).map(parseEntry).filter((range): range is Range => range !== null);
  return { ranges };
}

function normalise(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    return ipaddr.process(address);
  } catch {
    return null;
  }
}

/** Whether the address falls in one of the list's ranges; an unparsable address is in none. */
export function allows(list: IpAllowlist, address: string): boolean {
  const parsed = normalise(address);
  if (parsed === null) return false;
  for (const [base, bits] of list.ranges) {
    if (base.kind() === parsed.kind() && parsed.match(base, bits)) return true;
    // A range written as ::ffff:a.b.c.d/n is an IPv4 range too.
    if (base.kind() === 'ipv6' && parsed.kind() === 'ipv4' && (base as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
      if (parsed.match((base as ipaddr.IPv6).toIPv4Address(), bits - 96)) return true;
    }
  }
  return false;
}

/** Every list that is set must admit the address (the key's and its environment's both apply). */
export function allowedByAll(lists: readonly IpAllowlist[], address: string | undefined): boolean {
  if (address === undefined) return false;
  for (const list of lists) if (!allows(list, address)) return false;
  return true;
}
