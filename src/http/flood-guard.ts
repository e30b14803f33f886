/**
 * Throttles failed authentications per source (SPEC §5): management calls with a missing,
 * malformed or unknown key, and verifies answered NOT_FOUND. A source is an IPv4 address or an
 * IPv6 /64 (one host's usual allocation). Past `limit` failures in a fixed window the source's
 * failures are answered 429 with `Retry-After`; only failures are counted and only failures are
 * refused, so a valid key from the same address is always served and the valid-key path does no
 * work here. The table is one Map in memory per node, bounded: when full, the source whose window
 * began earliest is dropped (O(1): the Map's first entry, since a source re-enters at the end each
 * time its window restarts).
 */
import { isIPv4 } from 'node:net';

export interface FloodGuardOptions {
  /** Failures a source may have in one window before they are refused. */
  readonly limit: number;
  readonly windowMs: number;
  /** Sources tracked at once. */
  readonly maxSources: number;
}

export interface FloodGuard {
  /** Counts a failure of `source`; answers the seconds it must wait (0: within its budget). */
  failed(source: string, now: number): number;
  readonly size: number;
}

interface Window {
  start: number;
  count: number;
}

export function createFloodGuard(options: FloodGuardOptions): FloodGuard {
  const windows = new Map<string, Window>();
  return {
    failed(source, now) {
      let window = windows.get(source);
      if (window === undefined || now - window.start >= options.windowMs) {
        if (window !== undefined) windows.delete(source);
        else if (windows.size >= options.maxSources) {
          const oldest = windows.keys().next();
          if (oldest.done !== true) windows.delete(oldest.value);
        }
        window = { start: now, count: 0 };
        windows.set(source, window);
      }
      window.count++;
      if (window.count <= options.limit) return 0;
      return Math.max(1, Math.ceil((window.start + options.windowMs - now) / 1000));
    },
    get size() {
      return windows.size;
    },
  };
}

/** The hextets of an IPv6 address, `::` expanded; an embedded IPv4 tail counts as two. */
function hextets(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const split = (part: string): string[] =>
    part === '' ? [] : part.split(':').flatMap((piece) => (piece.includes('.') ? ['0', '0'] : [piece]));
  const front = split(head);
  if (tail === undefined) return front;
  const back = split(tail);
  return [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
}

/** The source an address counts against: an IPv4 address (IPv4-mapped IPv6 too), or an IPv6 /64. */
export function sourceOf(ip: string): string {
  if (isIPv4(ip)) return ip;
  const address = (ip.split('%')[0] ?? ip).toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped?.[1] !== undefined) return mapped[1];
  const prefix = hextets(address)
    .slice(0, 4)
    .map((hextet) => (Number.parseInt(hextet, 16) || 0).toString(16));
  return `${prefix.join(':')}::/64`;
}
