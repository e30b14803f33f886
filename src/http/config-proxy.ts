/**
 * `KEYWARD_TRUST_PROXY`: which proxies in front may say who the client is (X-Forwarded-For).
 * Never "all": a hop count or the proxies' addresses, so no client can name its own address.
 */
import { isIP } from 'node:net';
import { ConfigError, optional, type Env } from './config-values.js';

/** Names proxy-addr (Fastify's trustProxy) knows for the private ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(entry: string): boolean {
  if (NAMED_RANGES.has(entry) || isIP(entry) !== 0) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || bits === undefined || rest.length > 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

export function trustProxy(env: Env, name: string): false | number | string {
  const raw = optional(env, name)?.trim();
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true') {
    throw new ConfigError(
      `${name}=true would believe an X-Forwarded-For anyone can send: give the number of proxies in front (e.g. 1) or their addresses and CIDRs (e.g. 10.0.0.0/8,192.0.2.7)`,
    );
  }
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 32) throw new ConfigError(`${name} must be a hop count from 0 to 32, got "${raw}"`);
    return hops;
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !isAddressOrCidr(entry));
  if (bad !== undefined)
    throw new ConfigError(
      `${name} must be false, a hop count, or proxy addresses and CIDRs separated by commas; "${bad}" is none of these`,
    );
  return entries.join(',');
}

/** `trustProxy` as Fastify's types take it: a hop count becomes "trust the nearest `hops` hops". */
export function trustProxyOption(
  value: false | number | string,
): false | string | ((address: string, hop: number) => boolean) {
  if (typeof value !== 'number') return value;
  return (_address, hop) => hop < value;
}
