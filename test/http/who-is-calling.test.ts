/**
 * Issue 29 item 2, who is calling: verify answers carry the key's `name`, `metadata`, `userId`
 * and its user's `externalId` (the platform's own id for the person, unique per tenant, set on
 * create and PATCH of users), so a platform needs no second lookup. Cached answers say the same
 * as the first, and a change of the user's externalId is answered at once.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

describe.each(testDatabases())('who is calling, on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Callers');

  const verify = async (body: Record<string, unknown>) => (await kw.client().post('/v1/verify', body)).body;

  async function personWithKey(externalId: string): Promise<{ userId: string; key: string; keyId: string }> {
    const user = created(
      await seeded.admin.post('/v1/users', { name: 'Grace', email: `${externalId}@callers.example`, externalId }),
    );
    expect(user.externalId).toBe(externalId);
    const key = created(
      await seeded.admin.post('/v1/keys', {
        name: 'grace-laptop',
        kind: 'user',
        userId: user.id,
        permissions: ['functions.execute'],
        metadata: { plan: 'pro', seats: 3 },
      }),
    );
    return { userId: user.id, key: key.key, keyId: key.id };
  }

  it('answers the key name, metadata, user and externalId, the same from the cache as from storage', async () => {
    const { userId, key, keyId } = await personWithKey('acct-1001');
    const expected = {
      valid: true,
      code: 'VALID',
      keyId,
      name: 'grace-laptop',
      userId,
      externalId: 'acct-1001',
      metadata: { plan: 'pro', seats: 3 },
    };
    expect(await verify({ key })).toMatchObject(expected);
    expect(await verify({ key })).toMatchObject(expected);
    const forbidden = await verify({ key, permission: 'secrets.manage' });
    expect(forbidden).toMatchObject({ ...expected, valid: false, code: 'FORBIDDEN' });
  });

  it('answers nulls for an application key and for an unknown key', async () => {
    const app = created(await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application' }));
    expect(await verify({ key: app.key })).toMatchObject({
      code: 'VALID',
      name: 'svc',
      userId: null,
      externalId: null,
      metadata: {},
    });
    expect(await verify({ key: 'kw_unknown' })).toMatchObject({
      code: 'NOT_FOUND',
      name: null,
      userId: null,
      externalId: null,
      metadata: null,
    });
  });

  it("answers a user's new externalId at once after a PATCH, and null once it is cleared", async () => {
    const { userId, key } = await personWithKey('acct-2002');
    expect((await verify({ key })).externalId).toBe('acct-2002');
    const patched = await seeded.admin.patch(`/v1/users/${userId}`, { externalId: 'acct-2002-b' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.externalId).toBe('acct-2002-b');
    expect((await verify({ key })).externalId).toBe('acct-2002-b');
    expect((await seeded.admin.patch(`/v1/users/${userId}`, { externalId: null })).body.externalId).toBeNull();
    expect((await verify({ key })).externalId).toBeNull();
  });

  it('keeps externalId unique per tenant: 409 naming the field, and free in another tenant', async () => {
    await personWithKey('acct-3003');
    const again = await seeded.admin.post('/v1/users', {
      name: 'Other',
      email: 'other-3003@callers.example',
      externalId: 'acct-3003',
    });
    expectProblem(again, 409, 'CONFLICT');
    expect(again.body.field).toBe('externalId');
    const other = await seedTenant(kw, 'Elsewhere');
    const there = await other.admin.post('/v1/users', {
      name: 'Same id',
      email: 'same@elsewhere.example',
      externalId: 'acct-3003',
    });
    expect(there.status, JSON.stringify(there.body)).toBe(201);
  });

  it('refuses an externalId with spaces, control characters or over 200 characters with 400 VALIDATION', async () => {
    for (const externalId of ['has space', 'tab\there', '', 'x'.repeat(201)]) {
      expectProblem(
        await seeded.admin.post('/v1/users', { name: 'Bad', email: 'bad@callers.example', externalId }),
        400,
        'VALIDATION',
      );
    }
  });
});
