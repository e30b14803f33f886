import fastJson from 'fast-json-stringify';
import { describe, expect, it } from 'vitest';
import { VerifyAnswer, type VerifyAnswerObject } from '../api/verify.js';
import type { KeyRecord } from '../core/key-record.js';
import { answer, answerJson, creditsJson, metered, reusable, verdictCode, written, WrittenResult } from './answers.js';
import { ratelimitsJson } from './rate-limits.js';

const key = {
  id: 'key_01',
  tenantId: 'ten_01',
  environmentId: 'env_01',
  name: 'a "quoted" name\nwith a line break',
  userId: null,
  externalId: 'ext-7',
  metadata: { plan: 'pro', nested: { list: [1, 'two'] } },
  expiresAt: Date.UTC(2030, 0, 2),
} as unknown as KeyRecord;

// The serializer Fastify would have written the answer with.
const schemaSerialize = fastJson(VerifyAnswer as object);

const buckets = [
  { id: 'rl_1', name: 'per-minute', limit: 100, durationMs: 60_000 },
  { id: 'rl_2', name: 'per.day_2', limit: 5000, durationMs: 86_400_000 },
];
const now = Date.UTC(2026, 11, 6, 13, 0, 30);
// The limiter's outcome after a take: one used in the minute, the day's all spent.
const outcome = { allowed: true, used: [1, 5000], limits: [100, 5000] };
const states = [
  { name: 'per-minute', limit: 100, remaining: 99, resetAt: '2026-12-06T13:01:00.000Z' },
  { name: 'per.day_2', limit: 5000, remaining: 0, resetAt: '2026-12-07T00:00:00.000Z' },
];

describe('a metered key’s answer written by hand', () => {
  for (const [code, base] of [
    ['VALID', reusable(answer('VALID', key, 0))],
    ['RATE_LIMITED', reusable(answer('RATE_LIMITED', key, 30_000))],
  ] as const) {
    it(`says what the schema's serializer says of the same answer (${code})`, () => {
      const value: VerifyAnswerObject = { ...base.value, ratelimits: states };
      const result = metered(written(base.value), ratelimitsJson(buckets, outcome, now));
      const json = answerJson(result);
      expect(json).toBeDefined();
      expect(JSON.parse(json as string)).toEqual(JSON.parse(schemaSerialize(value)));
      expect(result.value).toEqual(value);
      expect(verdictCode(result)).toBe(code);
    });
  }

  it('writes a key with credits alone as the serializer does, byte for byte', () => {
    const base = reusable(answer('VALID', key, 0));
    const result = metered(written(base.value), creditsJson(0));
    const value: VerifyAnswerObject = { ...base.value, credits: { remaining: 0 } };
    expect(answerJson(result)).toBe(schemaSerialize(value));
    expect(verdictCode(result)).toBe('VALID');
  });

  it('adds credits left after the states, where the schema puts them', () => {
    const base = reusable(answer('VALID', key, 0));
    const result = metered(written(base.value), `${ratelimitsJson(buckets, outcome, now)}${creditsJson(41)}`);
    const value: VerifyAnswerObject = { ...base.value, ratelimits: states, credits: { remaining: 41 } };
    expect(WrittenResult.json(result)).toBe(schemaSerialize(value));
    expect(result.value).toEqual(value);
  });

  it('keeps a fixed answer as its JSON alone, and gives the same answer back, frozen', () => {
    const value = answer('VALID', key, 30_000);
    const kept = written({ ...value });
    expect(answerJson(kept)).toBe(schemaSerialize(value));
    expect(verdictCode(kept)).toBe('VALID');
    expect(kept.value).toEqual(value);
    expect(kept.value).toBe(kept.value);
    expect(Object.isFrozen(kept.value)).toBe(true);
  });

  it('leaves an answer made for one request to the serializer', () => {
    expect(answerJson({ ok: true, value: answer('FORBIDDEN', key, 0) })).toBeUndefined();
  });

  it('writes a reused answer once, as JSON.stringify does, and compares as the plain result', () => {
    const reused = reusable(answer('REVOKED', key, 0));
    expect(answerJson(reused)).toBe(JSON.stringify(reused.value));
    expect(answerJson(reused)).toBe(answerJson(reused));
    expect(reused).toEqual({ ok: true, value: reused.value });
    expect(Object.isFrozen(reused) && Object.isFrozen(reused.value)).toBe(true);
  });
});
