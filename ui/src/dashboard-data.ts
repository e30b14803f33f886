/**
 * The tenant dashboard's numbers, shaped from the API's answers (pure, so tested without a
 * browser): verifications by day as the key page's chart takes them, refusals counted apart,
 * the busiest keys, and the keys that expire soonest.
 */
import type { KeyObject, KeyUsageObject, VerificationsObject } from './api';

/** `GET /v1/analytics/verifications?groupBy=code&granularity=day` as the usage chart's days. */
export function asUsage(analytics: VerificationsObject): KeyUsageObject {
  const days = new Map<string, Record<string, number>>();
  for (const bucket of analytics.buckets) {
    const day = bucket.time.slice(0, 10);
    const byCode = days.get(day) ?? {};
    byCode[bucket.group] = (byCode[bucket.group] ?? 0) + bucket.count;
    days.set(day, byCode);
  }
  return {
    keyId: 'key_tenant',
    total: analytics.total,
    days: [...days]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, byCode]) => ({ day, byCode, count: Object.values(byCode).reduce((sum, n) => sum + n, 0) })),
    lastUsedAt: null,
    lastUsedIp: null,
  };
}

/** Every verdict but VALID is a refusal. */
export function refusals(analytics: VerificationsObject): number {
  return analytics.buckets.filter((bucket) => bucket.group !== 'VALID').reduce((sum, bucket) => sum + bucket.count, 0);
}

/** The `count` keys verified most over the range (`groupBy=key`), busiest first, ties by id. */
export function topKeys(analytics: VerificationsObject, count = 5): { keyId: string; verifications: number }[] {
  const totals = new Map<string, number>();
  for (const bucket of analytics.buckets) totals.set(bucket.group, (totals.get(bucket.group) ?? 0) + bucket.count);
  return [...totals]
    .map(([keyId, verifications]) => ({ keyId, verifications }))
    .sort((a, b) => b.verifications - a.verifications || a.keyId.localeCompare(b.keyId))
    .slice(0, count);
}

/** Keys with an expiry, soonest first. */
export function soonestExpiring(keys: readonly KeyObject[], count = 8): KeyObject[] {
  return keys
    .filter((key) => key.expiresAt !== null)
    .sort((a, b) => Date.parse(a.expiresAt ?? '') - Date.parse(b.expiresAt ?? ''))
    .slice(0, count);
}
