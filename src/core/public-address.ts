/**
 * The SSRF guard's judgement (SPEC §4, events out): which addresses a webhook may be sent to. Only
 * public unicast addresses; private (RFC 1918, unique local), loopback, link-local (where cloud
 * metadata services answer: 169.254.169.254, fd00:ec2::254), carrier-grade NAT (Alibaba's
 * 100.100.100.200), unspecified, multicast, broadcast, reserved and documentation ranges, and
 * IPv6 forms that carry an IPv4 address inside (mapped, 6to4, Teredo, NAT64) are refused: judged
 * by what they carry would be a second parser to trust, and no public receiver needs them.
 */
import ipaddr from 'ipaddr.js';

/** Why `address` may not be a webhook's target, or null when it may (a public unicast address). */
export function refusedAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let parsed = ipaddr.parse(address);
  // ::ffff:10.0.0.1 is 10.0.0.1 to the socket: judged as what it reaches.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  return range === 'unicast' ? null : `${address} is a ${range} address`;
}

/** Whether `host` (a URL's hostname) is an IP literal rather than a name to resolve. */
export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);
}
