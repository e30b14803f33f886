/**
 * Reading key usage (SPEC §4): what is stored plus what this node has counted and not yet
 * flushed. Counting and flushing are the usage recorder's (src/verify/usage-recorder.ts).
 */
import { DAY_MS } from '../../core/clock.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import type { KeyUsageInput, KeyUsageObject, UsageDayObject } from '../../api/usage.js';
import type { Db } from '../../storage/database.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { canSeeTenant, iso, notFound } from '../scope.js';
import { lastUsesOf, usageDaysOf } from './usage.repository.js';
import type { PendingLastUse, PendingUsage } from '../../storage/pending-usage.js';
import { readTarget } from '../target-rows.js';

// Defined apart so that ServiceDeps can name it without importing this service (no cycle).
export type { PendingLastUse, PendingUsage } from '../../storage/pending-usage.js';

const DEFAULT_DAYS = 30;

function later(
  stored: { at: number; ip: string | null } | undefined,
  pending: PendingLastUse | undefined,
): { at: number; ip: string | null } | undefined {
  if (stored === undefined) return pending;
  if (pending === undefined) return stored;
  return pending.at >= stored.at ? pending : stored;
}

/** Each key's last use: the later of the stored one and this node's pending one. */
export async function lastUsedAtOf(
  db: Db,
  pending: PendingUsage | undefined,
  keyIds: readonly string[],
): Promise<Map<string, number>> {
  const stored = await lastUsesOf(db, keyIds);
  const found = new Map<string, number>();
  for (const keyId of keyIds) {
    const row = stored.get(keyId);
    const use = later(
      row === undefined ? undefined : { at: row.last_used_at, ip: row.last_used_ip },
      pending?.lastUse(keyId),
    );
    if (use !== undefined) found.set(keyId, use.at);
  }
  return found;
}

export async function lastUsedAtOfKey(
  db: Db,
  pending: PendingUsage | undefined,
  keyId: string,
): Promise<number | null> {
  return (await lastUsedAtOf(db, pending, [keyId])).get(keyId) ?? null;
}

/** `from`/`to` with their defaults (the last 30 days up to `to`, today by default). */
function dayRange(query: KeyUsageInput, now: number): Result<{ from: string; to: string }> {
  const to = query.to ?? new Date(now).toISOString().slice(0, 10);
  const from =
    query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  if (from > to) return fail('VALIDATION', `from (${from}) is after to (${to})`, { field: 'from' });
  return ok({ from, to });
}

export async function getKeyUsage(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  query: KeyUsageInput,
): Promise<Result<KeyUsageObject>> {
  const range = dayRange(query, deps.clock.now());
  if (!range.ok) return range;
  const { from, to } = range.value;
  // As GET /v1/keys/{id}: the key itself, or a key of a tenant the caller sees; else not found.
  const key = await readTarget(deps.db, caller, 'key', id);
  if (key === undefined || (key.id !== caller.key.id && !canSeeTenant(caller.key, key.tenant_id)))
    return notFound('key', id);

  const days = new Map<string, Map<string, number>>();
  const add = (day: string, code: string, count: number): void => {
    if (day < from || day > to) return;
    let codes = days.get(day);
    if (codes === undefined) {
      codes = new Map();
      days.set(day, codes);
    }
    codes.set(code, (codes.get(code) ?? 0) + count);
  };
  const read = async () => {
    const rows = await usageDaysOf(deps.db, id, from, to);
    const stored = (await lastUsesOf(deps.db, [id])).get(id);
    for (const row of rows) add(row.day, row.code, Number(row.count));
    deps.usage?.forEachPendingDay(id, add);
    return stored === undefined ? undefined : { at: stored.last_used_at, ip: stored.last_used_ip };
  };
  const stored = deps.usage === undefined ? await read() : await deps.usage.readConsistently(read);
  const lastUse = later(stored, deps.usage?.lastUse(id));

  let total = 0;
  const shown: UsageDayObject[] = [...days.keys()].sort().map((day) => {
    const codes = days.get(day) as Map<string, number>;
    let count = 0;
    const byCode: Record<string, number> = {};
    for (const code of [...codes.keys()].sort()) {
      const n = codes.get(code) as number;
      byCode[code] = n;
      count += n;
    }
    total += count;
    return { day, count, byCode };
  });
  return ok({ keyId: id, total, days: shown, lastUsedAt: iso(lastUse?.at ?? null), lastUsedIp: lastUse?.ip ?? null });
}
