/**
 * Prefixed, time-ordered identifiers (`key_01hx…`). Ten characters of millisecond time then
 * sixteen random ones, all lowercase Crockford base32, so ids sort by creation time under any
 * collation and cursor pagination can page by id alone.
 */
import { randomString } from './base62.js';
import { ENTITIES, type EntityKind } from './entities.js';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

type EntityPrefixes = { readonly [K in EntityKind]: (typeof ENTITIES)[K]['prefix'] };

/** The entities' prefixes (entities.ts), and those of ids that name no entity a caller acts on. */
export const ID_PREFIXES = {
  ...(Object.fromEntries(Object.entries(ENTITIES).map(([kind, facts]) => [kind, facts.prefix])) as EntityPrefixes),
  event: 'evt',
  request: 'req',
  /** A webhook message (`webhook-id`), the same for every endpoint and attempt of one event. */
  message: 'msg',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

function timePart(ms: number): string {
  let out = '';
  let rest = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

export function newId(kind: IdKind, nowMs: number): string {
  return `${ID_PREFIXES[kind]}_${timePart(nowMs)}${randomString(16, CROCKFORD)}`;
}

/**
 * The least id of `kind` made at or after `ms`: ids begin with their time, so a time range is an
 * id range (and is answered from an index on the id).
 */
export function timeIdBound(kind: IdKind, ms: number): string {
  return `${ID_PREFIXES[kind]}_${timePart(ms)}`;
}

/** The pattern an id of `kind` matches, for request schemas. */
export function idPattern(kind: IdKind): string {
  return `^${ID_PREFIXES[kind]}_[0-9a-z]{26}$`;
}

/**
 * Request ids: `req_` + a random per-process prefix + a counter. Unique across nodes without a
 * CSPRNG call per request, which would be a measurable share of a verify.
 */
export function requestIdGenerator(): () => string {
  const prefix = `req_${randomString(10)}`;
  let counter = 0;
  return () => `${prefix}${(counter++).toString(36).padStart(6, '0')}`;
}
