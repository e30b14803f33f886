/**
 * Whether one IP allowlist admits no address another does not (issue 21: `authConfig.manage` may
 * narrow an environment's list, never widen it). Decided on the sets of addresses, as `allows` in
 * ip-allowlist.ts matches them, not on the entries' text: `10.0.0.0/9` and `10.128.0.0/9` admit
 * what `10.0.0.0/8` does. Each range becomes an interval of integers in one of two spaces: IPv4
 * (an IPv4 range, or an IPv4-mapped IPv6 range of /96 or longer, which `allows` matches as IPv4)
 * and IPv6.
 */
import type ipaddr from 'ipaddr.js';
import type { IpAllowlist } from './ip-allowlist.js';

interface Interval {
  readonly v6: boolean;
  readonly start: bigint;
  readonly end: bigint;
}

function block(v6: boolean, bytes: readonly number[], bits: number): Interval {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  // The host bits of the base do not count: `allows` matches on the prefix alone.
  const hostBits = BigInt((v6 ? 128 : 32) - bits);
  const start = (value >> hostBits) << hostBits;
  return { v6, start, end: start + (1n << hostBits) - 1n };
}

function intervalsOf([base, bits]: readonly [ipaddr.IPv4 | ipaddr.IPv6, number]): Interval[] {
  if (base.kind() === 'ipv4') return [block(false, base.toByteArray(), bits)];
  const v6 = base as ipaddr.IPv6;
  const intervals = [block(true, v6.toByteArray(), bits)];
  if (v6.isIPv4MappedAddress() && bits >= 96) intervals.push(block(false, v6.toIPv4Address().toByteArray(), bits - 96));
  return intervals;
}

/**
 * IPv4-mapped IPv6 addresses (::ffff:0:0/96) are matched as the IPv4 address they carry, never
 * as IPv6: in the IPv6 space they are admitted by no list, so any list may "cover" them there.
 */
const MAPPED_SPACE: Interval = { v6: true, start: 0xffff_0000_0000n, end: 0xffff_ffff_ffffn };

/** The intervals of one space, sorted and merged where they touch or overlap. */
function merged(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Interval[] = [];
  for (const interval of sorted) {
    const last = out.at(-1);
    if (last !== undefined && last.v6 === interval.v6 && interval.start <= last.end + 1n) {
      if (interval.end > last.end) out[out.length - 1] = { ...last, end: interval.end };
    } else out.push(interval);
  }
  return out;
}

/** Whether every address `inner` admits, `outer` admits too. */
export function coversAll(outer: IpAllowlist, inner: IpAllowlist): boolean {
  const outerIntervals = [...outer.ranges.flatMap(intervalsOf), MAPPED_SPACE];
  const spaces = { v4: merged(outerIntervals.filter((i) => !i.v6)), v6: merged(outerIntervals.filter((i) => i.v6)) };
  return inner.ranges
    .flatMap(intervalsOf)
    .every((needed) =>
      (needed.v6 ? spaces.v6 : spaces.v4).some((held) => held.start <= needed.start && needed.end <= held.end),
    );
}
