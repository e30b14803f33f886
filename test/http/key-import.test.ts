/**
 * Issue 29 item 1, import by hash (SPEC §4): a platform adopts its existing keys by their
 * SHA-256 and own prefix, without re-issuing them. Verify accepts the key as it was; its first
 * use re-seals it under the pepper's HMAC (later lookups are the one by HMAC); rotation gives it
 * a secret of Keyward's format. Strings of Keyward's format that are malformed still cost no
 * lookup, nor do foreign strings of no registered prefix; unknown ones are throttled as NOT_FOUND.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';
import { storedEndpoint } from '../support/stored-endpoint.js';

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const legacyKey = (prefix = 'sk_live_') => `${prefix}${randomBytes(18).toString('base64url')}`;

describe.each(testDatabases())('importing keys by hash on $name', (db) => {
  let statements: string[] | undefined;
  const kw = keywardForSuite(db, { onQuery: (sql) => statements?.push(sql), config: { authFailureLimit: 1_000_000 } });
  const seeded = tenantForSuite(kw, 'Adopters');

  const verify = async (body: Record<string, unknown>) => (await kw.client().post('/v1/verify', body)).body;
  /** The key lookups (by hash) one verify of `key` makes, with a cold cache. */
  async function lookupsOf(key: string): Promise<number> {
    kw.keyward.cache.clear();
    statements = [];
    await verify({ key });
    const seen = statements.filter((sql) => /from "api_keys"/i.test(sql) && /key_hash/i.test(sql)).length;
    statements = undefined;
    return seen;
  }
  const importOne = (key: string, extra: Record<string, unknown> = {}) =>
    seeded.admin.post('/v1/keys/import', {
      name: 'legacy',
      prefix: 'sk_live_',
      hash: { algorithm: 'sha256', value: sha256(key) },
      permissions: ['functions.execute'],
      ...extra,
    });

  it('answers the imported key VALID as it was, with its grants, name and metadata, and never shows a secret', async () => {
    const key = legacyKey();
    const reply = await importOne(key, { metadata: { plan: 'gold' }, hint: key.slice(-4) });
    const made = created(reply);
    expect(made).toMatchObject({ prefix: 'sk_live_', status: 'active', permissions: ['functions.execute'] });
    expect(made.key).toBeUndefined();
    expect(JSON.stringify(made)).not.toContain(sha256(key));
    expect(await verify({ key, permission: 'functions.execute' })).toMatchObject({
      valid: true,
      code: 'VALID',
      keyId: made.id,
      name: 'legacy',
      metadata: { plan: 'gold' },
    });
    expect((await verify({ key, permission: 'secrets.manage' })).code).toBe('FORBIDDEN');
  });

  it('re-seals the key on first use: afterwards one lookup by HMAC finds it', async () => {
    const key = legacyKey();
    created(await importOne(key));
    expect(await lookupsOf(key)).toBe(2);
    expect(await lookupsOf(key)).toBe(1);
    expect((await verify({ key })).code).toBe('VALID');
  });

  it('rotates an imported key into Keyward’s format, the old string then unknown', async () => {
    const key = legacyKey();
    const made = created(await importOne(key));
    expect((await verify({ key })).code).toBe('VALID');
    const rotated = await seeded.admin.post(`/v1/keys/${made.id}/rotate`, {});
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body.key).toMatch(/^kw_[0-9A-Za-z]{38}$/);
    expect(rotated.body.prefix).toBe('kw');
    expect((await verify({ key: rotated.body.key })).code).toBe('VALID');
    expect((await verify({ key })).code).toBe('NOT_FOUND');
  });

  it('keeps a never-used imported key working through a rotation grace period', async () => {
    const key = legacyKey();
    const made = created(await importOne(key));
    const rotated = await seeded.admin.post(`/v1/keys/${made.id}/rotate`, { gracePeriodSeconds: 3600 });
    expect(rotated.status).toBe(200);
    expect((await verify({ key })).code).toBe('VALID');
    expect((await verify({ key: rotated.body.key })).code).toBe('VALID');
  });

  it('looks nothing up for a malformed Keyward key, nor for a foreign string of no registered prefix', async () => {
    created(await importOne(legacyKey()));
    expect(await lookupsOf(`kw_${'A'.repeat(38)}`)).toBe(0);
    expect(await lookupsOf(legacyKey('pk_test_'))).toBe(0);
    expect((await verify({ key: legacyKey('pk_test_') })).code).toBe('NOT_FOUND');
    expect((await verify({ key: legacyKey() })).code).toBe('NOT_FOUND');
  });

  it('imports a batch in one go, and refuses a batch with one bad item whole, naming it', async () => {
    const keys = [legacyKey(), legacyKey(), legacyKey()];
    const batch = keys.map((key, n) => ({
      name: `batch-${n}`,
      prefix: 'sk_live_',
      hash: { algorithm: 'sha256', value: sha256(key) },
    }));
    const reply = await seeded.admin.post('/v1/keys/import/batch', { keys: batch });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body.ids).toHaveLength(3);
    for (const key of keys) expect((await verify({ key })).code).toBe('VALID');

    const fresh = [legacyKey(), legacyKey()];
    const refused = await seeded.admin.post('/v1/keys/import/batch', {
      keys: [
        { name: 'ok', prefix: 'sk_live_', hash: { algorithm: 'sha256', value: sha256(fresh[0] as string) } },
        {
          name: 'owned',
          kind: 'user',
          prefix: 'sk_live_',
          hash: { algorithm: 'sha256', value: sha256(fresh[1] as string) },
        },
      ],
    });
    expectProblem(refused, 400, 'VALIDATION');
    expect(refused.body.field).toBe('keys/1/userId');
    expect((await verify({ key: fresh[0] })).code).toBe('NOT_FOUND');
  });

  it('refuses a hash imported already with 409, a malformed hash or prefix with 400, a past expiry with 400', async () => {
    const key = legacyKey();
    created(await importOne(key));
    const again = await importOne(key);
    expectProblem(again, 409, 'CONFLICT');
    expect(again.body.field).toBe('hash');
    expectProblem(await importOne(key, { hash: { algorithm: 'sha256', value: 'xyz' } }), 400, 'VALIDATION');
    expectProblem(await importOne(key, { hash: { algorithm: 'md5', value: sha256(key) } }), 400, 'VALIDATION');
    expectProblem(await importOne(legacyKey(), { prefix: 'x' }), 400, 'VALIDATION');
    expectProblem(await importOne(legacyKey(), { expiresAt: '2001-01-01T00:00:00.000Z' }), 400, 'VALIDATION');
  });

  it('refuses grants beyond the caller’s own with 403, as creating a key does', async () => {
    const limited = created(
      await seeded.admin.post('/v1/keys', {
        name: 'limited manager',
        kind: 'user',
        userId: seeded.adminUserId,
        admin: true,
        permissions: ['users.manage'],
      }),
    );
    const reply = await kw.client(limited.key).post('/v1/keys/import', {
      name: 'too much',
      prefix: 'sk_live_',
      hash: { algorithm: 'sha256', value: sha256(legacyKey()) },
      permissions: ['secrets.manage'],
    });
    expectProblem(reply, 403, 'FORBIDDEN');
  });

  it('tells the tenant’s webhook endpoints key.created for an imported key, with no hash in the event', async () => {
    const endpointId = await storedEndpoint(kw.keyward.storage.db, seeded.tenantId, ['key.created']);
    const key = legacyKey();
    const made = created(await importOne(key));
    const events = await kw.keyward.storage.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .execute();
    expect(events.map((event) => [event.type, event.key_id])).toEqual([['key.created', made.id]]);
    expect(events[0]?.payload).not.toContain(sha256(key));
  });

  it('throttles a flood of unknown strings of a registered prefix as NOT_FOUND verifies are', async () => {
    const node = await startKeyward(db, { config: { authFailureLimit: 5 } });
    try {
      const admin = (await seedTenant(node, 'Flooded')).admin;
      created(
        await admin.post('/v1/keys/import', {
          name: 'legacy',
          prefix: 'sk_flood_',
          hash: { algorithm: 'sha256', value: sha256(legacyKey('sk_flood_')) },
        }),
      );
      for (let i = 0; i < 5; i++)
        expect((await node.client().post('/v1/verify', { key: legacyKey('sk_flood_') })).body.code).toBe('NOT_FOUND');
      expectProblem(await node.client().post('/v1/verify', { key: legacyKey('sk_flood_') }), 429, 'RATE_LIMITED');
    } finally {
      await node.close();
    }
  });
});
