/**
 * Failing closed (SPEC §5–§6): a node that has not confirmed lately that it saw every change
 * stops trusting its caches — keys and resources are read from storage — and when storage does
 * not answer, verify says 503 UNAVAILABLE and /readyz says the node is not ready.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { sql } from 'kysely';
import { sqliteOnly } from '../support/databases.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { expectProblem } from '../support/problem.js';

describe.each(sqliteOnly())('a stale node on $name', (db) => {
  const clock = manualClock(Date.UTC(2026, 6, 1));
  const kw = keywardForSuite(db, { clock, config: { maxStalenessMs: 1000 } });
  const seeded = tenantForSuite(kw, 'Stale');

  const code = async (key: string) => (await kw.client().post('/v1/verify', { key })).body.code as string;

  it('answers from its cache while fresh, from storage once stale, and is ready again after catching up', async () => {
    const key = await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application' });
    expect(await code(key.body.key)).toBe('VALID');
    // Revoked behind the node's back (no change-log row): the cache still says VALID while fresh.
    await kw.keyward.storage.db
      .updateTable('api_keys')
      .set({ revoked_at: clock.now() })
      .where('id', '=', key.body.id)
      .execute();
    expect(await code(key.body.key)).toBe('VALID');
    expect((await kw.client().get('/readyz')).status).toBe(200);

    clock.advance(1001);
    expect(await code(key.body.key)).toBe('REVOKED');
    expectProblem(await kw.client().get('/readyz'), 503, 'UNAVAILABLE');

    await kw.keyward.follower.catchUp();
    expect((await kw.client().get('/readyz')).status).toBe(200);
  });

  it('answers 503 UNAVAILABLE, not a cached yes, when stale and storage does not answer', async () => {
    const key = await seeded.admin.post('/v1/keys', { name: 'k2', kind: 'application' });
    expect(await code(key.body.key)).toBe('VALID');
    clock.advance(1001);
    await sql`alter table api_keys rename to api_keys_away`.execute(kw.keyward.storage.db);
    try {
      const reply = await kw.client().post('/v1/verify', { key: key.body.key });
      expectProblem(reply, 503, 'UNAVAILABLE');
      expect(JSON.stringify(reply.body)).not.toContain(key.body.key);
    } finally {
      await sql`alter table api_keys_away rename to api_keys`.execute(kw.keyward.storage.db);
    }
    await kw.keyward.follower.catchUp();
    expect(await code(key.body.key)).toBe('VALID');
  });
});
