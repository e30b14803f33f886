/**
 * Leaked-key reports (SPEC §4): GitHub's secret-scanning partner format in, its feedback format
 * out. A report of one real and one fake secret revokes the real key and labels both; a string
 * that is not of the key format costs no lookup; a rotated-out secret revokes its key only while
 * it still works; a second report of a revoked key changes nothing; the answer and the records
 * never carry a secret or say whose key it was; reports are throttled per source.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { generateKey } from '../../src/core/key-format.js';
import { testDatabases } from '../support/databases.js';
import { startKeyward } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

const TYPE = 'keyward_api_key';
/** The statement a well-formed candidate costs (leaked-key-lookup.ts); other nodes' work (usage flushes, events) is not it. */
const isLeakLookup = (text: string): boolean => text.includes('select "id" from "api_keys" where');
/** A key with its last checksum character changed: the format's, but not a checksum that holds. */
const notAKey = (key: string): string => `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`;
const sha256 = (token: string): string => createHash('sha256').update(token).digest('hex');
const candidate = (token: string) => ({
  token,
  type: TYPE,
  url: 'https://github.com/octocat/Hello-World/blob/12345600b9cbe38a219f39a9941c9319b600c002/foo/bar.txt',
  source: 'content',
});

describe.each(testDatabases())('leaked-key reports on $name', (db) => {
  const clock = manualClock(Date.UTC(2026, 5, 1));
  const kw = keywardForSuite(db, { clock });
  const acme = tenantForSuite(kw, 'Acme');

  const appKey = async () =>
    created(await acme.admin.post('/v1/keys', { name: 'leaky', kind: 'application' })) as { id: string; key: string };
  const report = (tokens: readonly string[], remoteAddress = '203.0.113.9') =>
    kw.keyward.app.inject({
      method: 'POST',
      url: '/v1/leaked-keys',
      remoteAddress,
      payload: tokens.map(candidate),
    });
  const verifyCode = async (key: string): Promise<string> => (await kw.client().post('/v1/verify', { key })).body.code;
  /** The revocations on record for a key. */
  const revocations = async (keyId: string) =>
    (await acme.admin.get(`/v1/audit?targetId=${keyId}&action=key.revoke`)).body.items as {
      details: Record<string, unknown>;
    }[];

  it('revokes the real key of a report of one real and one fake secret, and labels both', async () => {
    const real = await appKey();
    const fake = generateKey('kw');
    const answer = await report([real.key, fake]);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toEqual([
      { token_hash: sha256(real.key), token_type: TYPE, label: 'true_positive' },
      { token_hash: sha256(fake), token_type: TYPE, label: 'false_positive' },
    ]);
    expect(await verifyCode(real.key)).toBe('REVOKED');
    expect((await acme.admin.get(`/v1/keys/${real.id}`)).body.status).toBe('revoked');
    const events = await revocations(real.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({ reason: 'leaked', rotatedOut: false, source: 'content', type: TYPE });
    // The answer says nothing of whose key it was.
    for (const id of [real.id, acme.tenantId, acme.environmentId]) expect(answer.body).not.toContain(id);
  });

  it('spends no lookup on a string that is not of the key format, and one on a well-formed one', async () => {
    // An instance of its own, that nothing else talks to: every statement it logs is the reports'.
    const seen: string[] = [];
    const quiet = await startKeyward(db, { onQuery: (text) => seen.push(text) });
    try {
      const send = (tokens: readonly string[]) =>
        quiet.keyward.app.inject({ method: 'POST', url: '/v1/leaked-keys', payload: tokens.map(candidate) });
      const garbage = ['kw_short', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz', notAKey(generateKey('kw'))];
      seen.length = 0;
      const refused = await send(garbage);
      expect(refused.json().map((label: { label: string }) => label.label)).toEqual(Array(3).fill('false_positive'));
      expect(seen.filter(isLeakLookup)).toEqual([]);
      seen.length = 0;
      await send([generateKey('kw')]);
      expect(seen.filter(isLeakLookup)).toHaveLength(1);
    } finally {
      await quiet.close();
    }
  });

  it('answers a key already revoked true_positive again, with no second revocation on record', async () => {
    const real = await appKey();
    await report([real.key]);
    const again = await report([real.key, real.key]);
    expect(again.json().map((label: { label: string }) => label.label)).toEqual(['true_positive', 'true_positive']);
    expect(await revocations(real.id)).toHaveLength(1);
  });

  it('revokes for a rotated-out secret while it still works, and not once its grace is over', async () => {
    const inGrace = await appKey();
    expect((await acme.admin.post(`/v1/keys/${inGrace.id}/rotate`, { gracePeriodSeconds: 3600 })).status).toBe(200);
    const pastGrace = await appKey();
    const rotated = await acme.admin.post(`/v1/keys/${pastGrace.id}/rotate`, { gracePeriodSeconds: 60 });
    clock.advance(61_000);
    const answer = await report([inGrace.key, pastGrace.key]);
    expect(answer.json().map((label: { label: string }) => label.label)).toEqual(['true_positive', 'true_positive']);
    expect((await acme.admin.get(`/v1/keys/${inGrace.id}`)).body.status).toBe('revoked');
    expect(await revocations(inGrace.id)).toMatchObject([{ details: { rotatedOut: true } }]);
    // The dead secret leaked, not the live one: the key keeps working with its new secret.
    expect(await verifyCode(rotated.body.key)).toBe('VALID');
    expect(await revocations(pastGrace.id)).toEqual([]);
  });

  it('does not know a secret rotated out with no grace: a false positive, the key unrevoked', async () => {
    const key = await appKey();
    const rotated = await acme.admin.post(`/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 0 });
    expect(rotated.status).toBe(200);
    const answer = await report([key.key]);
    expect(answer.json()).toEqual([{ token_hash: sha256(key.key), token_type: TYPE, label: 'false_positive' }]);
    expect((await acme.admin.get(`/v1/keys/${key.id}`)).body.status).toBe('active');
    expect(await verifyCode(rotated.body.key)).toBe('VALID');
    expect(await revocations(key.id)).toEqual([]);
  });

  it('puts a leaked root key on record without revoking it', async () => {
    const answer = await report([kw.rootKey]);
    expect(answer.json()[0].label).toBe('true_positive');
    expect((await kw.root.get('/v1/me')).status).toBe(200);
    const rootKeyId = (await kw.root.get('/v1/me')).body.key.id;
    const events = (await kw.root.get('/v1/audit?action=key.leaked&outcome=success')).body.items;
    expect(events.map((event: { target: { id: string } }) => event.target.id)).toContain(rootKeyId);
  });

  it('never writes a reported secret to the log, the audit log or the change log', async () => {
    const real = await appKey();
    const fake = generateKey('kw');
    await report([real.key, fake]);
    for (const table of ['audit_events', 'change_log']) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(kw.keyward.storage.db);
      expect(JSON.stringify(rows.rows), table).not.toContain(real.key);
      expect(JSON.stringify(rows.rows), table).not.toContain(fake);
    }
    expect(kw.logText()).not.toContain(real.key);
    expect(kw.logText()).not.toContain(fake);
  });

  it('refuses a body that is not a list of findings', async () => {
    const reply = await kw.client().post('/v1/leaked-keys', { token: 'x' });
    expectProblem(reply, 400, 'VALIDATION');
  });
});

describe.each(testDatabases())('leaked-key report throttle on $name', (db) => {
  const kw = keywardForSuite(db, { config: { leakReportLimit: 5 } });

  const send = (remoteAddress: string, tokens: readonly string[]) =>
    kw.keyward.app.inject({ method: 'POST', url: '/v1/leaked-keys', remoteAddress, payload: tokens.map(candidate) });

  it('answers 429 with Retry-After once a source has reported its budget, and serves another source', async () => {
    // A report counts one, and each well-formed candidate (a lookup) one more: 1 + 3, then 1 + 1 is past 5.
    expect((await send('198.51.100.1', [generateKey('kw'), generateKey('kw'), generateKey('kw')])).statusCode).toBe(
      200,
    );
    const refused = await send('198.51.100.1', [generateKey('kw')]);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await send('198.51.100.2', [generateKey('kw')])).statusCode).toBe(200);
  });
});
