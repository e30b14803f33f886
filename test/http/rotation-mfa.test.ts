/**
 * MFA-gated rotation (SPEC §4, seed 002): where the tenant or the environment requires MFA, a
 * rotation made with a user key needs a fresh TOTP code of that key's user; application keys
 * never do. A code is good once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { testDatabases } from '../support/databases.js';
import type { Client } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { expectProblem } from '../support/problem.js';
import { codeAt, STEP_MS, wrongCodeAt } from '../support/totp.js';

describe.each(testDatabases())('MFA-gated rotation on $name', (db) => {
  let people = 0;
  const clock = manualClock(Date.UTC(2026, 2, 1));
  const kw = keywardForSuite(db, { clock });
  const seeded = tenantForSuite(kw, 'Mfa');

  /** A user with a confirmed enrolment and a key of theirs. */
  async function enrolledUser(environmentId?: string): Promise<{ secret: string; keyId: string; client: Client }> {
    people += 1;
    const user = await seeded.admin.post('/v1/users', { name: `P${people}`, email: `p${people}@mfa.example` });
    const key = await seeded.admin.post('/v1/keys', {
      kind: 'user',
      userId: user.body.id,
      name: 'laptop',
      ...(environmentId ? { environmentId } : {}),
    });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const client = kw.client(key.body.key);
    const enrolment = await client.post(`/v1/users/${user.body.id}/mfa`);
    expect(enrolment.status).toBe(201);
    expect(
      (await client.post(`/v1/users/${user.body.id}/mfa/confirm`, { code: codeAt(enrolment.body.secret, clock.now()) }))
        .status,
    ).toBe(200);
    clock.advance(STEP_MS);
    return { secret: enrolment.body.secret, keyId: key.body.id, client };
  }

  describe('with MFA required by the tenant', () => {
    beforeAll(async () => {
      expect((await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { mfaRequired: true })).status).toBe(200);
    });
    afterAll(async () => {
      expect((await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { mfaRequired: false })).status).toBe(200);
    });

    it('rotates with a valid code (200), then refuses the same code (401), a wrong code (401) and no code (401 MFA_REQUIRED)', async () => {
      const who = await enrolledUser();
      const code = codeAt(who.secret, clock.now());
      const rotated = await who.client.post(`/v1/keys/${who.keyId}/rotate`, { otp: code });
      expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
      const self = kw.client(rotated.body.key);
      expectProblem(await self.post(`/v1/keys/${who.keyId}/rotate`, { otp: code }), 401, 'MFA_INVALID');
      expectProblem(
        await self.post(`/v1/keys/${who.keyId}/rotate`, { otp: wrongCodeAt(who.secret, clock.now()) }),
        401,
        'MFA_INVALID',
      );
      expectProblem(await self.post(`/v1/keys/${who.keyId}/rotate`, {}), 401, 'MFA_REQUIRED');
      // None of the refusals rotated it: the secret from the one success still works.
      expect((await kw.client().post('/v1/verify', { key: rotated.body.key })).body.code).toBe('VALID');
    });

    it('asks a user key that is not enrolled for a code it cannot give: MFA_REQUIRED', async () => {
      const user = await seeded.admin.post('/v1/users', { name: 'Nobody', email: 'nobody@mfa.example' });
      const key = await seeded.admin.post('/v1/keys', { kind: 'user', userId: user.body.id, name: 'k' });
      expectProblem(
        await kw.client(key.body.key).post(`/v1/keys/${key.body.id}/rotate`, { otp: '123456' }),
        401,
        'MFA_REQUIRED',
      );
    });

    it('never asks an application key', async () => {
      const app = await seeded.admin.post('/v1/keys', { kind: 'application', name: 'svc' });
      const rotated = await kw.client(app.body.key).post(`/v1/keys/${app.body.id}/rotate`, {});
      expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    });

    it('audits the refused rotations without the codes', async () => {
      const who = await enrolledUser();
      const wrong = wrongCodeAt(who.secret, clock.now());
      expectProblem(await who.client.post(`/v1/keys/${who.keyId}/rotate`, { otp: wrong }), 401, 'MFA_INVALID');
      const events = await kw.keyward.storage.db
        .selectFrom('audit_events')
        .selectAll()
        .where('actor_key_id', '=', who.keyId)
        .where('action', '=', 'key.rotate')
        .execute();
      expect(events.map((event) => [event.outcome, event.status])).toEqual([['denied', 401]]);
      expect(JSON.stringify(events)).not.toContain(wrong);
    });
  });

  it('asks for a code where only the environment requires MFA', async () => {
    const strict = await seeded.admin.post('/v1/environments', { name: 'strict', mfaRequired: true });
    expect(strict.status).toBe(201);
    const who = await enrolledUser(strict.body.id);
    expectProblem(await who.client.post(`/v1/keys/${who.keyId}/rotate`, {}), 401, 'MFA_REQUIRED');
    expect(
      (await who.client.post(`/v1/keys/${who.keyId}/rotate`, { otp: codeAt(who.secret, clock.now()) })).status,
    ).toBe(200);
    const relaxed = await enrolledUser();
    expect((await relaxed.client.post(`/v1/keys/${relaxed.keyId}/rotate`, {})).status).toBe(200);
  });
});
