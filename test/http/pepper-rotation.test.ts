/**
 * Rotating the pepper (`keyward pepper rotate`, docs/deploy.md): after the rotation, nodes started
 * with the new pepper and `KEYWARD_PEPPER_PREVIOUS` still let every old key in (re-hashing it on
 * its first use, so `pepper status` counts down to 0), secret values, TOTP seeds and webhook keys' secrets still open,
 * and `/v1/audit/verify` stays ok; a node with the old pepper refuses to start.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { defaultModel } from '../../src/core/model/load-model.js';
import { buildApp, type Keyward } from '../../src/http/app.js';
import { loadConfig } from '../../src/http/config.js';
import { generateKey } from '../../src/core/key-format.js';
import { hashKey } from '../../src/core/key-hash.js';
import { newId } from '../../src/core/ids.js';
import { insertKey } from '../../src/modules/keys/keys.repository.js';
import { keysUnderPreviousPepper, rotatePepper } from '../../src/modules/instance/pepper-rotation.js';
import { testDatabases } from '../support/databases.js';
import { keyRowWith } from '../support/rows.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';
import { codeAt, STEP_MS } from '../support/totp.js';

const OLD = 'the pepper before, at least thirty-two characters';
const NEW = 'the pepper after, also at least thirty-two chars';
/** GitHub's documented example ("Validating webhook deliveries"). */
const GITHUB_EXAMPLE = {
  secret: "It's a Secret to Everybody",
  body: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

describe.each(testDatabases())('pepper rotation on $name', (testDb) => {
  const clock = manualClock(Date.UTC(2026, 6, 1));
  let kw: TestKeyward;
  let seeded: Seeded;
  let node: Keyward | undefined;
  let appKey: string;
  let secretId: string;
  let totpSeed: string;
  let webhookKeyId: string;

  beforeEach(async () => {
    kw = await startKeyward(testDb, { clock, config: { pepper: OLD } });
    seeded = await seedTenant(kw, 'Rotating');
    appKey = (await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application' })).body.key;
    secretId = (await seeded.admin.post('/v1/resources', { type: 'secret', name: 'stripe', value: 'sk-live-kept' }))
      .body.id;
    totpSeed = (await seeded.admin.post(`/v1/users/${seeded.adminUserId}/mfa`)).body.secret;
    expect(
      (await seeded.admin.post(`/v1/users/${seeded.adminUserId}/mfa/confirm`, { code: codeAt(totpSeed, clock.now()) }))
        .status,
    ).toBe(200);
    // A webhook key whose previous secret (GitHub's documented example) is in its rotation grace.
    webhookKeyId = (
      await seeded.admin.post('/v1/webhook-keys', { name: 'gh', scheme: 'github', secret: GITHUB_EXAMPLE.secret })
    ).body.id;
    expect((await seeded.admin.post(`/v1/webhook-keys/${webhookKeyId}/rotate`, {})).status).toBe(200);
    // Every node stops before the rotation.
    await kw.keyward.close();
  });
  afterEach(async () => {
    await node?.close();
    node = undefined;
    await kw.database.cleanup();
  });

  const rotate = (previous: string, next: string) =>
    rotatePepper(kw.database.storage.db, defaultModel(), {
      previous: Buffer.from(previous),
      next: Buffer.from(next),
      now: clock.now(),
    });
  const start = async (pepper: string, pepperPrevious?: string): Promise<Keyward> =>
    buildApp({
      config: loadConfig(
        {},
        {
          dataDir: kw.database.dataDir,
          pepper,
          pepperPrevious,
          logLevel: 'silent',
          changePollMs: 60_000,
          maxStalenessMs: 86_400_000,
        },
      ),
      storage: kw.database.storage,
      clock,
    });
  const call = async (keyward: Keyward, key: string, method: 'GET' | 'POST', url: string, body?: unknown) => {
    const reply = await keyward.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: reply.statusCode, body: reply.json() };
  };

  it('keeps old keys verifying, secret values and TOTP seeds opening, and the audit chains ok', async () => {
    const report = await rotate(OLD, NEW);
    expect(report).toMatchObject({
      ok: true,
      value: { secrets: 1, mfaSeeds: 1, webhookKeys: 1, unreadable: 0, brokenChains: [], keysPending: 3 },
    });
    node = await start(NEW, OLD);

    const verified = await node.app.inject({ method: 'POST', url: '/v1/verify', payload: { key: appKey } });
    expect(verified.json()).toMatchObject({ valid: true, code: 'VALID' });
    expect((await call(node, seeded.adminKey, 'GET', `/v1/resources/${secretId}`)).body).toMatchObject({
      value: 'sk-live-kept',
    });
    clock.advance(STEP_MS);
    expect(
      (await call(node, seeded.adminKey, 'POST', '/v1/me/mfa/verify', { code: codeAt(totpSeed, clock.now()) })).status,
    ).toBe(200);
    expect((await call(node, kw.rootKey, 'GET', '/v1/audit/verify')).body).toMatchObject({ ok: true });
    expect(await keysUnderPreviousPepper(kw.database.storage.db)).toBe(0);
    const signed = { headers: { 'X-Hub-Signature-256': GITHUB_EXAMPLE.signature }, body: GITHUB_EXAMPLE.body };
    expect((await call(node, seeded.adminKey, 'POST', `/v1/webhook-keys/${webhookKeyId}/verify`, signed)).body).toEqual(
      { valid: true },
    );
  });

  it('keeps webhook signing secrets opening: an endpoint rotates its secret after the pepper rotation', async () => {
    const before = await start(OLD);
    const hook = await call(before, seeded.adminKey, 'POST', '/v1/webhook-endpoints', {
      url: 'https://hooks.example/kept',
      events: ['key.revoked'],
      enabled: false,
    });
    expect(hook.status).toBe(201);
    // Mid-overlap, so both of its sealed secrets are re-sealed.
    const overlapping = `/v1/webhook-endpoints/${hook.body.id}/rotate-secret`;
    expect((await call(before, seeded.adminKey, 'POST', overlapping, { gracePeriodSeconds: 600 })).status).toBe(200);
    await before.close();
    expect(await rotate(OLD, NEW)).toMatchObject({ ok: true, value: { secrets: 2, unreadable: 0 } });
    node = await start(NEW, OLD);
    // Rotating opens the current secret: under a pepper that did not seal it, it would not.
    const rotated = await call(node, seeded.adminKey, 'POST', overlapping, { gracePeriodSeconds: 0 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
  });

  it('lets an old key in through the new pepper alone once it was re-hashed', async () => {
    expect((await rotate(OLD, NEW)).ok).toBe(true);
    node = await start(NEW, OLD);
    await node.app.inject({ method: 'POST', url: '/v1/verify', payload: { key: appKey } });
    await node.close();
    node = await start(NEW);
    expect(
      (await node.app.inject({ method: 'POST', url: '/v1/verify', payload: { key: appKey } })).json(),
    ).toMatchObject({ valid: true });
    expect(
      (await node.app.inject({ method: 'POST', url: '/v1/verify', payload: { key: seeded.adminKey } })).json(),
    ).toMatchObject({ valid: false, code: 'NOT_FOUND' });
  });

  it('accepts under the previous pepper only the keys recorded as pending, before and after KEYWARD_PEPPER_PREVIOUS goes', async () => {
    expect((await rotate(OLD, NEW)).ok).toBe(true);
    // A key hashed under the previous pepper after the rotation (say by a node that was not
    // stopped, or written straight into the database): not one of the keys the rotation recorded.
    const stray = generateKey('kw');
    const db = kw.database.storage.db;
    const environment = await db
      .selectFrom('environments')
      .select(['id', 'tenant_id'])
      .where('id', '=', seeded.environmentId)
      .executeTakeFirstOrThrow();
    await insertKey(
      db,
      keyRowWith({
        id: newId('key', clock.now()),
        key_hash: hashKey(Buffer.from(OLD), stray),
        tenant_id: environment.tenant_id,
        environment_id: environment.id,
      }),
    );
    const verify = async (keyward: Keyward, key: string) =>
      (await keyward.app.inject({ method: 'POST', url: '/v1/verify', payload: { key } })).json();

    node = await start(NEW, OLD);
    expect(await verify(node, stray)).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    expect(await verify(node, appKey)).toMatchObject({ valid: true, code: 'VALID' });
    await node.close();
    node = await start(NEW);
    expect(await verify(node, stray)).toMatchObject({ valid: false, code: 'NOT_FOUND' });
  });

  it('refuses a node started with the old pepper after the rotation', async () => {
    expect((await rotate(OLD, NEW)).ok).toBe(true);
    await expect(start(OLD)).rejects.toThrow(/different pepper/);
  });

  it('refuses a previous pepper that is not the database’s, and a second rotation while keys are pending', async () => {
    expect(await rotate('not the pepper of this database, 32+ chars', NEW)).toMatchObject({
      ok: false,
      problem: { code: 'VALIDATION' },
    });
    expect((await rotate(OLD, NEW)).ok).toBe(true);
    expect(await rotate(NEW, 'a third pepper, thirty-two characters or more')).toMatchObject({
      ok: false,
      problem: { code: 'CONFLICT' },
    });
  });
});
