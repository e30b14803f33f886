/**
 * `authConfig.manage` without `tenant.manage` may only tighten an environment's auth settings
 * (SPEC §2, issue 21): never clear or widen its IP allowlist, switch MFA off, raise or remove
 * `mfaReverifyDays`, or relax an expiry setting, whether by its own value or by inheriting a
 * looser one from the tenant. A refusal is 403 FORBIDDEN naming the field and changes nothing;
 * `tenant.manage` may do all of it. Settings changes are audited with their old and new values.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sqliteOnly, testDatabases } from '../support/databases.js';
import type { Client } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

// SQLite only (databases.ts): what counts as tightening is decided by the service from the settings it read,
// in statements environments.test.ts runs on both; the audit of settings changes (below) runs on both.
describe.each(sqliteOnly())('authConfig.manage only tightens on $name', (db) => {
  /** An application key with tenant.manage: a user key would be held up by the tenant's mfaReverifyDays. */
  let manager: Client;
  let environments = 0;
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Tighten');
  beforeAll(async () => {
    const permissions = ['tenant.manage', 'users.manage', 'authConfig.manage'];
    manager = kw.client(
      created(await seeded.admin.post('/v1/keys', { name: 'manager', kind: 'application', admin: true, permissions }))
        .key,
    );
    expect(
      (await manager.patch(`/v1/tenants/${seeded.tenantId}`, { maxKeyExpiryDays: 90, mfaReverifyDays: 30 })).status,
    ).toBe(200);
  });

  /** An environment set up by tenant.manage with `settings`, and an authConfig.manage key of it. */
  async function environmentWith(settings: Record<string, unknown>): Promise<{ path: string; auth: Client }> {
    environments += 1;
    const environment = created(await manager.post('/v1/environments', { name: `env${environments}`, ...settings }));
    const key = created(
      await manager.post('/v1/keys', {
        environmentId: environment.id,
        name: 'auth',
        kind: 'application',
        expiresInDays: 1,
        permissions: ['authConfig.manage'],
      }),
    );
    return { path: `/v1/environments/${environment.id}`, auth: kw.client(key.key) };
  }

  async function expectRefused(
    settings: Record<string, unknown>,
    patch: Record<string, unknown>,
    field: string,
  ): Promise<void> {
    const { path, auth } = await environmentWith(settings);
    const before = (await manager.get(path)).body;
    const reply = await auth.patch(path, patch);
    expectProblem(reply, 403, 'FORBIDDEN');
    expect(reply.body.field).toBe(field);
    expect(reply.body.detail).toContain(field);
    expect(reply.body.detail).toContain('tenant.manage');
    expect((await manager.get(path)).body).toEqual(before);
  }

  async function expectAllowed(settings: Record<string, unknown>, patch: Record<string, unknown>): Promise<void> {
    const { path, auth } = await environmentWith(settings);
    const reply = await auth.patch(path, patch);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject(patch);
  }

  describe('the IP allowlist', () => {
    // The environment's list holds for the authConfig.manage key's own calls too, made from here.
    const list = (...ranges: string[]) => [...ranges, '127.0.0.1'];
    it('may not be cleared', () =>
      expectRefused({ ipAllowlist: list('10.0.0.0/8') }, { ipAllowlist: null }, 'ipAllowlist'));
    it('may not be widened by a range outside it', () =>
      expectRefused(
        { ipAllowlist: list('10.0.0.0/8') },
        { ipAllowlist: list('10.0.0.0/8', '192.0.2.0/24') },
        'ipAllowlist',
      ));
    it('may not be widened to a shorter prefix', () =>
      expectRefused({ ipAllowlist: list('10.1.0.0/16') }, { ipAllowlist: list('10.0.0.0/8') }, 'ipAllowlist'));
    it('may not be widened to every IPv4 address through the mapped range', () =>
      expectRefused({ ipAllowlist: list('10.0.0.0/8') }, { ipAllowlist: ['::ffff:0:0/96'] }, 'ipAllowlist'));
    it('may not be widened from IPv4 to IPv6', () =>
      expectRefused({ ipAllowlist: list('10.0.0.0/8') }, { ipAllowlist: list('2001:db8::/32') }, 'ipAllowlist'));
    it('may be narrowed', () =>
      expectAllowed(
        { ipAllowlist: list('10.0.0.0/8', '2001:db8::/32') },
        { ipAllowlist: list('10.1.0.0/16', '2001:db8:1::/48') },
      ));
    it('may be set where there was none', () => expectAllowed({}, { ipAllowlist: list('10.0.0.0/8') }));
    it('may be split into ranges that cover no more', () =>
      expectAllowed({ ipAllowlist: list('10.0.0.0/8') }, { ipAllowlist: list('10.0.0.0/9', '10.128.0.0/9') }));
    it('may be joined from ranges that together covered as much', () =>
      expectAllowed(
        { ipAllowlist: list('10.0.0.0/9', '10.128.0.0/9') },
        { ipAllowlist: list('10.0.0.0/8', '::ffff:10.0.0.0/104') },
      ));
  });

  describe('MFA', () => {
    it('may not be switched off', () => expectRefused({ mfaRequired: true }, { mfaRequired: false }, 'mfaRequired'));
    it('may not be switched off by inheriting a tenant that does not require it', () =>
      expectRefused({ mfaRequired: true }, { mfaRequired: null }, 'mfaRequired'));
    it('may be switched on', () => expectAllowed({}, { mfaRequired: true }));
    it('mfaReverifyDays may not be raised', () =>
      expectRefused({ mfaReverifyDays: 7 }, { mfaReverifyDays: 14 }, 'mfaReverifyDays'));
    it("mfaReverifyDays may not be removed (inheriting the tenant's 30)", () =>
      expectRefused({ mfaReverifyDays: 7 }, { mfaReverifyDays: null }, 'mfaReverifyDays'));
    it("mfaReverifyDays may not be set above the tenant's", () =>
      expectRefused({}, { mfaReverifyDays: 60 }, 'mfaReverifyDays'));
    it('mfaReverifyDays may be lowered', () => expectAllowed({ mfaReverifyDays: 7 }, { mfaReverifyDays: 1 }));
  });

  describe('expiry', () => {
    it('maxKeyExpiryDays may not be raised', () =>
      expectRefused({ maxKeyExpiryDays: 30 }, { maxKeyExpiryDays: 60 }, 'maxKeyExpiryDays'));
    it('maxKeyExpiryDays may not be removed', () =>
      expectRefused({ maxKeyExpiryDays: 30 }, { maxKeyExpiryDays: null }, 'maxKeyExpiryDays'));
    it("maxKeyExpiryDays may not be set above the tenant's", () =>
      expectRefused({}, { maxKeyExpiryDays: 365 }, 'maxKeyExpiryDays'));
    it('maxKeyExpiryDays may be lowered', () => expectAllowed({ maxKeyExpiryDays: 30 }, { maxKeyExpiryDays: 7 }));
    it('maxApplicationKeyExpiryDays may not be raised', () =>
      expectRefused(
        { maxApplicationKeyExpiryDays: 365 },
        { maxApplicationKeyExpiryDays: 730 },
        'maxApplicationKeyExpiryDays',
      ));
    it('maxApplicationKeyExpiryDays may not be removed', () =>
      expectRefused(
        { maxApplicationKeyExpiryDays: 365 },
        { maxApplicationKeyExpiryDays: null },
        'maxApplicationKeyExpiryDays',
      ));
    it('maxApplicationKeyExpiryDays may be set where there was none', () =>
      expectAllowed({}, { maxApplicationKeyExpiryDays: 365 }));
    it('defaultKeyExpiryDays may not be raised', () =>
      expectRefused({ defaultKeyExpiryDays: 7 }, { defaultKeyExpiryDays: 30 }, 'defaultKeyExpiryDays'));
    it('defaultKeyExpiryDays may not be removed', () =>
      expectRefused({ defaultKeyExpiryDays: 7 }, { defaultKeyExpiryDays: null }, 'defaultKeyExpiryDays'));
    it('rotationWindowDays may not be raised', () =>
      expectRefused({ rotationWindowDays: 3 }, { rotationWindowDays: 30 }, 'rotationWindowDays'));
    it('rotationWindowDays may not be raised above the default 7 by inheriting', () =>
      expectRefused({}, { rotationWindowDays: 8 }, 'rotationWindowDays'));
    it('rotationWindowDays may be lowered', () => expectAllowed({}, { rotationWindowDays: 1 }));
  });

  it('tenant.manage may relax every one of them', async () => {
    const { path } = await environmentWith({
      ipAllowlist: ['10.0.0.0/8'],
      mfaRequired: true,
      mfaReverifyDays: 7,
      maxKeyExpiryDays: 30,
      defaultKeyExpiryDays: 7,
    });
    const relaxed = {
      ipAllowlist: null,
      mfaRequired: false,
      mfaReverifyDays: null,
      maxKeyExpiryDays: 365,
      defaultKeyExpiryDays: null,
      rotationWindowDays: 30,
    };
    const reply = await manager.patch(path, relaxed);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject(relaxed);
  });

  it('the refusal is in the audit log', async () => {
    const { path, auth } = await environmentWith({ ipAllowlist: ['127.0.0.1'] });
    expectProblem(await auth.patch(path, { ipAllowlist: null }), 403, 'FORBIDDEN');
    const events = await manager.get(
      `/v1/audit?action=environment.update&outcome=denied&targetId=${path.split('/').at(-1)}`,
    );
    expect(events.body.items).toHaveLength(1);
    expect(events.body.items[0]).toMatchObject({ status: 403, details: { code: 'FORBIDDEN' } });
  });
});

describe.each(testDatabases())('settings changes in the audit log on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Audited');

  it("an environment's change carries each field's old and new value", async () => {
    const path = `/v1/environments/${seeded.environmentId}`;
    // The admin key calls from 127.0.0.1, which each list keeps.
    expect(
      (await seeded.admin.patch(path, { ipAllowlist: ['10.0.0.0/8', '127.0.0.1'], maxKeyExpiryDays: 30 })).status,
    ).toBe(200);
    expect(
      (
        await seeded.admin.patch(path, {
          ipAllowlist: ['10.1.0.0/16', '127.0.0.1'],
          maxKeyExpiryDays: null,
          keyPrefix: 'aud',
        })
      ).status,
    ).toBe(200);
    const events = await seeded.admin.get(
      `/v1/audit?action=environment.update&targetId=${seeded.environmentId}&order=desc`,
    );
    expect(events.body.items[0].details).toMatchObject({
      changes: {
        ipAllowlist: { from: ['10.0.0.0/8', '127.0.0.1'], to: ['10.1.0.0/16', '127.0.0.1'] },
        maxKeyExpiryDays: { from: 30, to: null },
        keyPrefix: { from: 'kw', to: 'aud' },
      },
    });
  });

  it("a tenant's change carries each field's old and new value", async () => {
    expect(
      (
        await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, {
          mfaRequired: true,
          rotationWindowDays: 3,
          name: 'Audited Inc',
        })
      ).status,
    ).toBe(200);
    const events = await seeded.admin.get(`/v1/audit?action=tenant.update&targetId=${seeded.tenantId}&order=desc`);
    expect(events.body.items[0].details).toMatchObject({
      changes: {
        mfaRequired: { from: false, to: true },
        rotationWindowDays: { from: null, to: 3 },
        name: { from: 'Audited', to: 'Audited Inc' },
      },
    });
  });
});
