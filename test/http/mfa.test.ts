/**
 * TOTP MFA over HTTP (SPEC §4–§5): a user enrols (the seed shown once), confirms with a first
 * code, and from then on each code is good once; wrong codes are limited per user; a reset is
 * audited; the seed is sealed at rest and appears in no audit event and no log line. Time is a
 * manual clock: codes are computed for it and it is moved, never waited for.
 */
import { codeAt, STEP_MS, wrongCodeAt } from '../support/totp.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { testDatabases } from '../support/databases.js';
import type { Client, Reply } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { expectProblem } from '../support/problem.js';

/** Whether `code` occurs in `text` as a number of its own (not inside a longer run of digits, such as a timestamp). */
function containsCode(text: string, code: string): boolean {
  return new RegExp(`(?<![0-9])${code}(?![0-9])`).test(text);
}

/** The forms a seed could leak in: base32 as shown, and its raw bytes as hex or base64. */
function seedNeedles(secret: string): string[] {
  const bytes = Buffer.from(OTPAuth.Secret.fromBase32(secret).bytes);
  return [
    secret,
    secret.toLowerCase(),
    bytes.toString('hex'),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('latin1'),
  ];
}

describe.each(testDatabases())('TOTP MFA on $name', (db) => {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const kw = keywardForSuite(db, { clock });
  const acme = tenantForSuite(kw, 'Acme');
  const other = tenantForSuite(kw, 'Other');

  let people = 0;
  /** A member of Acme and a key of theirs (no users.manage): the person who enrols. */
  async function person(): Promise<{ id: string; email: string; key: string; keyId: string; client: Client }> {
    people += 1;
    const email = `person${people}@acme.example`;
    const user = await acme.admin.post('/v1/users', { name: `Person ${people}`, email });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    const key = await acme.admin.post('/v1/keys', { kind: 'user', userId: user.body.id, name: 'laptop' });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    return { id: user.body.id, email, key: key.body.key, keyId: key.body.id, client: kw.client(key.body.key) };
  }

  const mfaPath = (userId: string): string => `/v1/users/${userId}/mfa`;

  async function enrol(caller: Client, userId: string): Promise<{ secret: string; otpauthUrl: string }> {
    const reply = await caller.post(mfaPath(userId));
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }

  /** Enrolled and confirmed, the clock then moved to the next step so a fresh code is at hand. */
  async function enrolled(): Promise<{ id: string; client: Client; secret: string }> {
    const who = await person();
    const { secret } = await enrol(who.client, who.id);
    const confirmed = await who.client.post(`${mfaPath(who.id)}/confirm`, { code: codeAt(secret, clock.now()) });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    clock.advance(STEP_MS);
    return { id: who.id, client: who.client, secret };
  }

  const verify = (caller: Client, code: string): Promise<Reply> => caller.post('/v1/me/mfa/verify', { code });

  describe('enrolment', () => {
    it('gives the seed once with an otpauth URI for the user, and reads back only whether it is enrolled', async () => {
      const who = await person();
      const reply = await who.client.post(mfaPath(who.id));
      expect(reply.status).toBe(201);
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(Object.keys(reply.body).sort()).toEqual(['otpauthUrl', 'secret']);
      expect(reply.body.secret).toMatch(/^[A-Z2-7]{32}$/);
      const uri = OTPAuth.URI.parse(reply.body.otpauthUrl);
      expect(uri).toMatchObject({ issuer: 'Keyward', label: who.email, algorithm: 'SHA1', digits: 6, period: 30 });
      expect(uri.secret.base32).toBe(reply.body.secret);

      const status = await who.client.get(mfaPath(who.id));
      expect(status.status).toBe(200);
      expect(status.body).toEqual({ userId: who.id, enrolled: false, confirmedAt: null });
    });

    it('is confirmed by the first right code, and says when', async () => {
      const who = await person();
      const { secret } = await enrol(who.client, who.id);
      const reply = await who.client.post(`${mfaPath(who.id)}/confirm`, { code: codeAt(secret, clock.now()) });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toEqual({ userId: who.id, enrolled: true, confirmedAt: new Date(clock.now()).toISOString() });
      expect((await acme.admin.get(mfaPath(who.id))).body).toEqual(reply.body);
    });

    it('refuses a wrong confirmation code with 401 MFA_INVALID and stays unconfirmed', async () => {
      const who = await person();
      const { secret } = await enrol(who.client, who.id);
      expectProblem(
        await who.client.post(`${mfaPath(who.id)}/confirm`, { code: wrongCodeAt(secret, clock.now()) }),
        401,
        'MFA_INVALID',
      );
      expect((await who.client.get(mfaPath(who.id))).body.enrolled).toBe(false);
    });

    it('restarts an unconfirmed enrolment with a new seed: only the new seed confirms', async () => {
      const who = await person();
      const first = await enrol(who.client, who.id);
      const second = await enrol(who.client, who.id);
      expect(second.secret).not.toBe(first.secret);
      expectProblem(
        await who.client.post(`${mfaPath(who.id)}/confirm`, { code: codeAt(first.secret, clock.now()) }),
        401,
        'MFA_INVALID',
      );
      expect(
        (await who.client.post(`${mfaPath(who.id)}/confirm`, { code: codeAt(second.secret, clock.now()) })).status,
      ).toBe(200);
    });

    it('refuses to enrol again once confirmed with 409 CONFLICT', async () => {
      const who = await enrolled();
      expectProblem(await who.client.post(mfaPath(who.id)), 409, 'CONFLICT');
      expectProblem(await acme.admin.post(mfaPath(who.id)), 409, 'CONFLICT');
    });

    it('refuses to confirm what was never started with 409 CONFLICT', async () => {
      const who = await person();
      expectProblem(await who.client.post(`${mfaPath(who.id)}/confirm`, { code: '123456' }), 409, 'CONFLICT');
    });

    it('refuses to confirm twice with 409 CONFLICT', async () => {
      const who = await enrolled();
      expectProblem(
        await who.client.post(`${mfaPath(who.id)}/confirm`, { code: codeAt(who.secret, clock.now()) }),
        409,
        'CONFLICT',
      );
    });

    it('rejects a code that is not six digits with 400 naming code', async () => {
      const who = await person();
      await enrol(who.client, who.id);
      for (const code of ['12345', '1234567', 'abcdef']) {
        const reply = await who.client.post(`${mfaPath(who.id)}/confirm`, { code });
        expectProblem(reply, 400, 'VALIDATION');
        expect(reply.body.field).toBe('code');
      }
      expectProblem(await verify(who.client, '12 345'), 400, 'VALIDATION');
    });
  });

  describe('who may', () => {
    it('lets a users.manage key enrol, confirm, read and reset a user of its tenant', async () => {
      const who = await person();
      const { secret } = await enrol(acme.admin, who.id);
      expect((await acme.admin.post(`${mfaPath(who.id)}/confirm`, { code: codeAt(secret, clock.now()) })).status).toBe(
        200,
      );
      expect((await acme.admin.get(mfaPath(who.id))).body.enrolled).toBe(true);
      expect((await acme.admin.delete(mfaPath(who.id))).status).toBe(200);
    });

    it("answers 404 for another tenant's user, on every route", async () => {
      const stranger = await other.admin.post('/v1/users', { name: 'Stranger', email: 'stranger@other.example' });
      const { secret } = await enrol(other.admin, stranger.body.id);
      const path = mfaPath(stranger.body.id);
      expectProblem(await acme.admin.get(path), 404, 'NOT_FOUND');
      expectProblem(await acme.admin.post(path), 404, 'NOT_FOUND');
      expectProblem(await acme.admin.post(`${path}/confirm`, { code: codeAt(secret, clock.now()) }), 404, 'NOT_FOUND');
      expectProblem(await acme.admin.delete(path), 404, 'NOT_FOUND');
      // Nothing was changed by those attempts: the stranger's own admin still confirms.
      expect((await other.admin.post(`${path}/confirm`, { code: codeAt(secret, clock.now()) })).status).toBe(200);
    });

    it('answers 403 to a key of another user of the tenant without users.manage, and audits it', async () => {
      const who = await person();
      const nosy = await person();
      for (const reply of [
        await nosy.client.get(mfaPath(who.id)),
        await nosy.client.post(mfaPath(who.id)),
        await nosy.client.post(`${mfaPath(who.id)}/confirm`, { code: '123456' }),
        await nosy.client.delete(mfaPath(who.id)),
      ]) {
        expectProblem(reply, 403, 'FORBIDDEN');
      }
      const denied = await kw.keyward.storage.db
        .selectFrom('audit_events')
        .select(['action', 'outcome'])
        .where('target_id', '=', who.id)
        .where('outcome', '=', 'denied')
        .execute();
      expect(denied.map((event) => event.action).sort()).toEqual([
        'user.mfa.confirm',
        'user.mfa.enrol',
        'user.mfa.read',
        'user.mfa.reset',
      ]);
    });
  });

  describe('checking a code of the calling key’s user', () => {
    it('accepts a fresh code and names the user', async () => {
      const who = await enrolled();
      const reply = await verify(who.client, codeAt(who.secret, clock.now()));
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toEqual({ valid: true, userId: who.id });
    });

    it('records a sign-in check in the audit log but not in the change log, so no node drops its caches', async () => {
      const who = await enrolled();
      const changes = async () => (await kw.keyward.storage.db.selectFrom('change_log').select('seq').execute()).length;
      const before = await changes();
      expect((await verify(who.client, codeAt(who.secret, clock.now()))).status).toBe(200);
      expect(await changes()).toBe(before);
      const audited = await kw.keyward.storage.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'me.mfa.verify')
        .where('target_id', '=', who.id)
        .execute();
      expect(audited).toHaveLength(1);
    });

    it('accepts a code once: the same code again is 401 MFA_INVALID, the next step’s is accepted', async () => {
      const who = await enrolled();
      const code = codeAt(who.secret, clock.now());
      expect((await verify(who.client, code)).status).toBe(200);
      expectProblem(await verify(who.client, code), 401, 'MFA_INVALID');
      clock.advance(STEP_MS);
      expect((await verify(who.client, codeAt(who.secret, clock.now()))).status).toBe(200);
    });

    it('refuses a code of a step before the last accepted, even inside the window', async () => {
      const who = await enrolled();
      const previous = codeAt(who.secret, clock.now() - STEP_MS);
      expect((await verify(who.client, codeAt(who.secret, clock.now()))).status).toBe(200);
      expectProblem(await verify(who.client, previous), 401, 'MFA_INVALID');
    });

    it('refuses the code that confirmed the enrolment', async () => {
      const who = await person();
      const { secret } = await enrol(who.client, who.id);
      const code = codeAt(secret, clock.now());
      expect((await who.client.post(`${mfaPath(who.id)}/confirm`, { code })).status).toBe(200);
      expectProblem(await verify(who.client, code), 401, 'MFA_INVALID');
    });

    it('accepts a code of one step either side of now, and not two', async () => {
      const who = await enrolled();
      expectProblem(await verify(who.client, codeAt(who.secret, clock.now() + 2 * STEP_MS)), 401, 'MFA_INVALID');
      expect((await verify(who.client, codeAt(who.secret, clock.now() + STEP_MS))).status).toBe(200);
    });

    it('refuses a wrong code with 401 MFA_INVALID', async () => {
      const who = await enrolled();
      expectProblem(await verify(who.client, wrongCodeAt(who.secret, clock.now())), 401, 'MFA_INVALID');
    });

    it('answers 401 MFA_REQUIRED for a user with no enrolment, or one not confirmed', async () => {
      const who = await person();
      expectProblem(await verify(who.client, '123456'), 401, 'MFA_REQUIRED');
      const { secret } = await enrol(who.client, who.id);
      expectProblem(await verify(who.client, codeAt(secret, clock.now())), 401, 'MFA_REQUIRED');
    });

    it('answers 400 VALIDATION to an application key and to the root key: they have no user', async () => {
      const app = await acme.admin.post('/v1/keys', { kind: 'application', name: 'ci' });
      expectProblem(await verify(kw.client(app.body.key), '123456'), 400, 'VALIDATION');
      expectProblem(await verify(kw.root, '123456'), 400, 'VALIDATION');
    });

    it('answers 401 without a key', async () => {
      expectProblem(await verify(kw.client(), '123456'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('limiting wrong codes', () => {
    it('after 5 wrong codes refuses even a right one with 429 until the window opened by the first failure ends', async () => {
      const who = await enrolled();
      expectProblem(await verify(who.client, wrongCodeAt(who.secret, clock.now())), 401, 'MFA_INVALID');
      clock.advance(4 * 60_000);
      for (let i = 0; i < 4; i++)
        expectProblem(await verify(who.client, wrongCodeAt(who.secret, clock.now())), 401, 'MFA_INVALID');
      const limited = await verify(who.client, codeAt(who.secret, clock.now()));
      expectProblem(limited, 429, 'RATE_LIMITED');
      expect(limited.body.retryAfterSeconds).toBe(60);
      clock.advance(59_000);
      expectProblem(await verify(who.client, codeAt(who.secret, clock.now())), 429, 'RATE_LIMITED');
      // Five minutes after the first failure, the window is over.
      clock.advance(1_000);
      expect((await verify(who.client, codeAt(who.secret, clock.now()))).status).toBe(200);
    });

    it('counts failures per user: another user is not limited', async () => {
      const limitedUser = await enrolled();
      const bystander = await enrolled();
      for (let i = 0; i < 5; i++)
        expectProblem(
          await verify(limitedUser.client, wrongCodeAt(limitedUser.secret, clock.now())),
          401,
          'MFA_INVALID',
        );
      expectProblem(await verify(limitedUser.client, codeAt(limitedUser.secret, clock.now())), 429, 'RATE_LIMITED');
      expect((await verify(bystander.client, codeAt(bystander.secret, clock.now()))).status).toBe(200);
    });

    it('starts counting again after a right code', async () => {
      const who = await enrolled();
      for (let i = 0; i < 4; i++)
        expectProblem(await verify(who.client, wrongCodeAt(who.secret, clock.now())), 401, 'MFA_INVALID');
      expect((await verify(who.client, codeAt(who.secret, clock.now()))).status).toBe(200);
      clock.advance(STEP_MS);
      for (let i = 0; i < 5; i++)
        expectProblem(await verify(who.client, wrongCodeAt(who.secret, clock.now())), 401, 'MFA_INVALID');
      expectProblem(await verify(who.client, codeAt(who.secret, clock.now())), 429, 'RATE_LIMITED');
    });

    it('limits wrong confirmation codes too', async () => {
      const who = await person();
      const { secret } = await enrol(who.client, who.id);
      const confirm = (code: string) => who.client.post(`${mfaPath(who.id)}/confirm`, { code });
      for (let i = 0; i < 5; i++) expectProblem(await confirm(wrongCodeAt(secret, clock.now())), 401, 'MFA_INVALID');
      expectProblem(await confirm(codeAt(secret, clock.now())), 429, 'RATE_LIMITED');
    });
  });

  describe('reset', () => {
    it('refuses a user’s own key resetting a confirmed enrolment (it would get around MFA); users.manage may', async () => {
      const who = await enrolled();
      expectProblem(await who.client.delete(mfaPath(who.id)), 403, 'FORBIDDEN');
      expect((await who.client.get(mfaPath(who.id))).body.enrolled).toBe(true);
    });

    it('removes the enrolment: not enrolled, codes are asked for no more, and the user may enrol again', async () => {
      const who = await enrolled();
      const reply = await acme.admin.delete(mfaPath(who.id));
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({ userId: who.id, enrolled: false });
      expect((await who.client.get(mfaPath(who.id))).body).toEqual({
        userId: who.id,
        enrolled: false,
        confirmedAt: null,
      });
      expectProblem(await verify(who.client, codeAt(who.secret, clock.now())), 401, 'MFA_REQUIRED');
      const again = await enrol(who.client, who.id);
      expect(again.secret).not.toBe(who.secret);
    });

    it('answers 404 when there is nothing to reset', async () => {
      const who = await person();
      expectProblem(await acme.admin.delete(mfaPath(who.id)), 404, 'NOT_FOUND');
    });

    it('audits enrolment, confirmation, checks and reset, and no audit event or log line holds the seed, the URI or a code', async () => {
      const who = await person();
      const { secret, otpauthUrl } = await enrol(who.client, who.id);
      const codes: string[] = [];
      const use = (code: string): string => {
        codes.push(code);
        return code;
      };
      expect(
        (await who.client.post(`${mfaPath(who.id)}/confirm`, { code: use(codeAt(secret, clock.now())) })).status,
      ).toBe(200);
      clock.advance(STEP_MS);
      expect((await verify(who.client, use(codeAt(secret, clock.now())))).status).toBe(200);
      expectProblem(await verify(who.client, use(wrongCodeAt(secret, clock.now()))), 401, 'MFA_INVALID');
      expect((await acme.admin.delete(mfaPath(who.id))).status).toBe(200);

      // A refused sign-in check is audited by the HTTP layer, under the calling key (no user id in its path).
      const events = await kw.keyward.storage.db
        .selectFrom('audit_events')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb('target_id', '=', who.id),
            eb.and([eb('actor_key_id', '=', who.keyId), eb('action', '=', 'me.mfa.verify')]),
          ]),
        )
        .execute();
      // Events of one instant have no order between them: compare as a set.
      expect(
        events
          .filter((event) => event.action.includes('.mfa.'))
          .map((event) => `${event.action} ${event.outcome}`)
          .sort(),
      ).toEqual([
        'me.mfa.verify denied',
        'me.mfa.verify success',
        'user.mfa.confirm success',
        'user.mfa.enrol success',
        'user.mfa.reset success',
      ]);
      const reset = events.find((event) => event.action === 'user.mfa.reset');
      expect(reset).toMatchObject({ target_type: 'user', tenant_id: acme.tenantId });
      expect(JSON.parse(String(reset?.details))).toEqual({ wasConfirmed: true });

      const everyEvent = JSON.stringify(await kw.keyward.storage.db.selectFrom('audit_events').selectAll().execute());
      const log = kw.logText();
      // The searches are meaningful: this user's events are there, and so are its requests.
      expect(everyEvent).toContain(who.id);
      expect(log).toContain(`/v1/users/${who.id}/mfa`);
      for (const text of [everyEvent, log]) {
        for (const needle of [...seedNeedles(secret), otpauthUrl, encodeURIComponent(otpauthUrl)])
          expect(text.includes(needle), `${needle.slice(0, 8)}… found`).toBe(false);
        for (const code of codes) expect(containsCode(text, code), `code ${code} found`).toBe(false);
      }
    });
  });

  it.runIf(db.name === 'sqlite')(
    'writes no byte of the seed into the data directory in clear (database file, WAL, shared memory)',
    async () => {
      const who = await enrolled();
      // Read back through a code, so the sealed seed is really held and opens.
      expect((await verify(who.client, codeAt(who.secret, clock.now()))).status).toBe(200);
      const files = readdirSync(kw.database.dataDir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => readFileSync(join(entry.parentPath, entry.name)));
      const bytes = Buffer.concat(files);
      expect(bytes.includes(who.id), 'the enrolment row is on disk').toBe(true);
      for (const needle of seedNeedles(who.secret))
        expect(bytes.includes(Buffer.from(needle, 'latin1')), `${needle.slice(0, 8)}… found on disk`).toBe(false);
    },
  );
});
