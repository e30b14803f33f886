/**
 * Time zones (a tenant's `timeZone`, in which key credits refill): a name is accepted only if it
 * is, or Intl resolves it to, a zone of this runtime's own list (`Intl.supportedValuesOf`, plus
 * `UTC`), and it is stored in that list's spelling. Formatters and resolved aliases live in
 * bounded maps, so no stream of distinct names, accepted or refused, grows memory: building an
 * `Intl.DateTimeFormat` per request is what did (2 000 refused PATCHes grew a node by 57 MiB).
 */
import { boundedMap } from './bounded-map.js';
import { fail, ok, type Result } from './error-codes.js';

/** Formatters kept, one per zone in use: past it the least recently used is built again on demand. */
export const FORMATTER_LIMIT = 64;
/** Aliases (`Asia/Kolkata`, `US/Eastern`) kept resolved to their listed zone. */
export const ALIAS_LIMIT = 64;

// By lower case: Intl matches names case-insensitively, so `america/new_york` is the listed zone
// `America/New_York`, found here without building anything.
const LISTED: ReadonlyMap<string, string> = new Map(
  [...Intl.supportedValuesOf('timeZone'), 'UTC'].map((zone) => [zone.toLowerCase(), zone]),
);
// The characters of IANA names: anything else is refused before Intl sees it.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

const aliases = boundedMap<string, string>(ALIAS_LIMIT);
const formatters = boundedMap<string, Intl.DateTimeFormat>(FORMATTER_LIMIT);

/** The listed zone a name is or stands for; undefined: not a zone of this runtime's list. */
export function canonicalTimeZone(name: string): string | undefined {
  const lower = name.toLowerCase();
  const listed = LISTED.get(lower);
  if (listed !== undefined) return listed;
  if (!ZONE_NAME.test(name)) return undefined;
  const known = aliases.get(lower);
  if (known !== undefined) return known;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: lower }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  // Only what resolves into the list is kept, so refused names never take a place here.
  const canonical = LISTED.get(resolved.toLowerCase());
  if (canonical !== undefined) aliases.set(lower, canonical);
  return canonical;
}

/** A time zone as given to the API: its listed name, or 400 VALIDATION naming the field. */
export function checkTimeZone(name: string, field: string): Result<string> {
  const canonical = canonicalTimeZone(name);
  if (canonical === undefined) {
    const known = "IANA names as in Intl.supportedValuesOf('timeZone'), or UTC";
    return fail('VALIDATION', `not a time zone this server knows (${known}): ${name}`, { field });
  }
  return ok(canonical);
}

/**
 * A formatter of the calendar date (numeric year, month, day) in `zone`, from the bounded map. A
 * stored name this runtime does not know reads as UTC rather than failing every verify of the
 * tenant's keys.
 */
export function dateFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    const timeZone = canonicalTimeZone(zone) ?? 'UTC';
    const date = { year: 'numeric', month: 'numeric', day: 'numeric' } as const;
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, calendar: 'gregory', numberingSystem: 'latn', ...date });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** How many formatters and aliases are held now (tests hold them to their limits). */
export function timeZoneCacheSizes(): { readonly formatters: number; readonly aliases: number } {
  return { formatters: formatters.size, aliases: aliases.size };
}
