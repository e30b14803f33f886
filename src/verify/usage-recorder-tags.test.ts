/**
 * Verify tags in the batched usage recorder (issue 29): each tag counted per key, UTC hour and
 * tag, written with the day counts in one flush; a verify without tags writes no tag row.
 */
import { describe, expect, it } from 'vitest';
import { createUsageRecorder } from './usage-recorder.js';
import type { UsageTagRow } from './verify-store.js';

const HOUR = 3_600_000;
const key = (id: string) => ({ id, tenantId: 'ten_a', environmentId: 'env_a' });
const T = Date.UTC(2026, 2, 10, 9, 15);

function recorder() {
  const tags: UsageTagRow[] = [];
  const days: unknown[] = [];
  const usage = createUsageRecorder({
    store: {
      writeUsage: async (dayRows, _lastUses, tagRows = []) => {
        days.push(...dayRows);
        tags.push(...tagRows);
      },
    },
    intervalMs: 3_600_000,
    maxEntries: 1_000_000,
    onError: (error) => {
      throw error;
    },
  });
  return { usage, tags, days };
}

describe('verify tags in the usage recorder', () => {
  it('counts each tag per key and UTC hour, and writes them with the day counts', async () => {
    const { usage, tags, days } = recorder();
    usage.record(key('key_a'), 'VALID', null, T, ['region=eu', 'plan=pro']);
    usage.record(key('key_a'), 'FORBIDDEN', null, T + 60_000, ['region=eu']);
    usage.record(key('key_a'), 'VALID', null, T + HOUR, ['region=eu']);
    usage.record(key('key_b'), 'VALID', null, T, ['region=us']);
    await usage.close();
    const hour = Math.floor(T / HOUR) * HOUR;
    expect(tags).toEqual([
      { key_id: 'key_a', hour, tag: 'plan=pro', count: 1 },
      { key_id: 'key_a', hour, tag: 'region=eu', count: 2 },
      { key_id: 'key_a', hour: hour + HOUR, tag: 'region=eu', count: 1 },
      { key_id: 'key_b', hour, tag: 'region=us', count: 1 },
    ]);
    expect(days).toHaveLength(3);
  });

  it('writes no tag row for verifies without tags, or with an empty list', async () => {
    const { usage, tags, days } = recorder();
    usage.record(key('key_a'), 'VALID', null, T);
    usage.record(key('key_a'), 'VALID', null, T, []);
    await usage.close();
    expect(tags).toEqual([]);
    expect(days).toEqual([{ key_id: 'key_a', day: '2026-03-10', code: 'VALID', count: 2 }]);
  });

  it('keeps the tag counts of a failed flush for the next one', async () => {
    let fail = true;
    const written: UsageTagRow[] = [];
    const usage = createUsageRecorder({
      store: {
        writeUsage: async (_days, _lastUses, tagRows = []) => {
          if (fail) throw new Error('storage away');
          written.push(...tagRows);
        },
      },
      intervalMs: 3_600_000,
      maxEntries: 1_000_000,
      onError: () => undefined,
    });
    usage.record(key('key_a'), 'VALID', null, T, ['region=eu']);
    await expect(usage.flush()).rejects.toThrow('storage away');
    usage.record(key('key_a'), 'VALID', null, T, ['region=eu']);
    fail = false;
    await usage.close();
    expect(written).toEqual([{ key_id: 'key_a', hour: Math.floor(T / HOUR) * HOUR, tag: 'region=eu', count: 2 }]);
  });
});
