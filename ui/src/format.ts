/** How times, durations and lists read on the page. */
export function when(iso: string | null, empty = 'never'): string {
  if (iso === null) return empty;
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The units a rate limit's window is written in, smallest first (the API allows 1 s to 1 day). */
export const WINDOW_UNITS = [
  { unit: 's', ms: 1_000, one: 'second', many: 'seconds' },
  { unit: 'min', ms: 60_000, one: 'minute', many: 'minutes' },
  { unit: 'h', ms: 3_600_000, one: 'hour', many: 'hours' },
  { unit: 'day', ms: 86_400_000, one: 'day', many: 'days' },
] as const;

export type WindowUnit = (typeof WINDOW_UNITS)[number]['unit'];

/** A window in the largest unit it is a whole number of (90 000 ms: 90 s, not 1.5 min); else in seconds. */
export function windowOf(ms: number): { readonly amount: number; readonly unit: WindowUnit } {
  const fit = [...WINDOW_UNITS].reverse().find((candidate) => ms % candidate.ms === 0) ?? WINDOW_UNITS[0];
  return { amount: ms / fit.ms, unit: fit.unit };
}

export function unitMs(unit: WindowUnit): number {
  return WINDOW_UNITS.find((candidate) => candidate.unit === unit)?.ms ?? 1_000;
}

/** What follows "per": "minute", "10 seconds". */
export function durationText(ms: number): string {
  const { amount, unit } = windowOf(ms);
  const names = WINDOW_UNITS.find((candidate) => candidate.unit === unit) ?? WINDOW_UNITS[0];
  return amount === 1 ? names.one : `${amount} ${names.many}`;
}

/** A rate limit as a sentence fragment: "search: 100 per minute". */
export function rateLimitText(limit: {
  readonly name: string;
  readonly limit: number;
  readonly durationMs: number;
}): string {
  return `${limit.name}: ${limit.limit} per ${durationText(limit.durationMs)}`;
}

/** A grant set in a line: scopes, permissions, then levels (`agent: view`), or that it has none. */
export function grantsText(grants: {
  readonly scopes: readonly string[];
  readonly permissions: readonly string[];
  readonly levels: Readonly<Record<string, string>>;
}): string {
  const levels = Object.entries(grants.levels).map(([type, level]) => `${type}: ${level}`);
  return [...grants.scopes, ...grants.permissions, ...levels].join(', ') || 'no grants';
}
