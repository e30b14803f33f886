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

/** A bare address is its own single-address range (/32 or /128). Lenient: for lists stored before entries were checked for their canonical form. */
function parseEntry(entry: string): Range | null {
  try {
    if (entry.includes('/')) return ipaddr.parseCIDR(entry);
    const address = ipaddr.parse(entry);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

const PREFIX_LENGTH = /^(0|[1-9][0-9]{0,2})$/;

/** RFC 5952 for IPv6 (lower case, the longest run of zeros as ::), an IPv4-mapped address with its IPv4 dotted. */
function canonicalText(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  if (address.kind() === 'ipv4') return address.toString();
  const v6 = address as ipaddr.IPv6;
  return v6.isIPv4MappedAddress() ? `::ffff:${v6.toIPv4Address().toString()}` : v6.toRFC5952String();
}

/**
 * The address of an entry, or why it is refused. IPv4 must be four decimal numbers without
 * leading zeros: `010.0.0.0` is 8.0.0.0 to ipaddr.js and inet_aton (octal) and 10.0.0.0 to
 * others, so what the writer meant cannot be known. IPv6 text has one reading however it is
 * written (case, leading zeros in a group, compression), so any valid form is taken, bar a zone.
 */
function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | string {
  const ipv4Rule = 'an IPv4 address is four decimal numbers from 0 to 255 without leading zeros';
  if (text.includes(':')) {
    if (text.includes('%')) return 'a zone index (%…) has no place in an allowlist';
    const tail = text.slice(text.lastIndexOf(':') + 1);
    if (tail.includes('.') && !ipaddr.IPv4.isValidFourPartDecimal(tail)) return ipv4Rule;
    return ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text) : 'not an IPv6 address';
  }
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : ipv4Rule;
}

/**
 * An entry in its canonical form, or why it is refused. A range whose address has host bits set
 * (`10.0.0.1/8`) is refused rather than narrowed or widened: whether the writer meant the network
 * or the one address, guessing admits addresses they did not mean or locks out ones they did.
 */
function canonicalEntry(entry: string, field: string): Result<string> {
  const slash = entry.indexOf('/');
  const address = parseAddress(slash === -1 ? entry : entry.slice(0, slash));
  const refuse = (reason: string) =>
    fail('VALIDATION', `not a canonical IPv4 or IPv6 CIDR range: ${entry} — ${reason}`, { field });
  if (typeof address === 'string') return refuse(address);
  if (slash === -1) return ok(canonicalText(address));
  const max = address.kind() === 'ipv4' ? 32 : 128;
  const prefix = entry.slice(slash + 1);
  if (!PREFIX_LENGTH.test(prefix) || Number(prefix) > max)
    return refuse(`the prefix length is a whole number from 0 to ${max} without leading zeros`);
  const bits = Number(prefix);
  const cidr = `${address.toString()}/${bits}`;
  const network =
    address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  if (canonicalText(network) !== canonicalText(address)) {
    return refuse(
      `host bits are set: write ${canonicalText(network)}/${bits} for the network, or ${canonicalText(address)} for the one address`,
    );
  }
  return ok(`${canonicalText(address)}/${bits}`);
}

/**
 * Checks a list as given by a caller and answers it in canonical form (what is stored and shown):
 * 400 VALIDATION naming the first entry that is not a canonical address or prefix.
 */
export function checkAllowlist(entries: readonly string[], field: string): Result<string[]> {
  const canonical: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const checked = canonicalEntry(entry, `${field}.${index}`);
    if (!checked.ok) return checked;
    canonical.push(checked.value);
  }
  return ok(canonical);
}

/** A list as given (undefined: unchanged, null: cleared), checked and in canonical form. */
export function canonicalAllowlist(
  entries: readonly string[] | null | undefined,
  field: string,
): Result<string[] | null | undefined> {
  if (entries === undefined || entries === null) return ok(entries);
  return checkAllowlist(entries, field);
}

/**
 * From a stored list (null: no list), as the column codec reads it, to its compiled form; stored
 * entries were checked when written.
 */
export function compileAllowlist(entries: readonly string[] | null): IpAllowlist | undefined {
  if (entries === null) return undefined;
  return { ranges: entries.map(parseEntry).filter((range): range is Range => range !== null) };
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
    if (
      base.kind() === 'ipv6' &&
      parsed.kind() === 'ipv4' &&
      (base as ipaddr.IPv6).isIPv4MappedAddress() &&
      bits >= 96
    ) {
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
