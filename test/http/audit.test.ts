/**
 * The audit log (SPEC §5; seed 000's "view audit logs"): every change and every refused
 * management call is there with its request id, readable by filter and cursor; the hash chains
 * find an edited, deleted (first, middle, last) or swapped event, by id; retention prunes old
 * events and leaves the chain verifiable; and no secret of any kind is ever in an event.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import type { Db } from '../../src/storage/database.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, type Seeded } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';
import { expectProblem } from '../support/problem.js';
import { codeAt, STEP_MS } from '../support/totp.js';

const DAY = 86_400_000;

describe.each(testDatabases())('the audit log on $name', (db) => {
  let storage: Db;
  let tenants = 0;
  const clock = manualClock(Date.UTC(2026, 5, 1));
  const kw = keywardForSuite(db, { clock });
  beforeAll(async () => {
    storage = kw.keyward.storage.db;
  });

  /** A fresh tenant with a few events in its chain, in order. */
  async function busyTenant(): Promise<{ seeded: Seeded; eventIds: string[] }> {
    tenants += 1;
    const seeded = await seedTenant(kw, `Audited${tenants}`);
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      expect((await seeded.admin.post('/v1/keys', { name: `k${i}`, kind: 'application' })).status).toBe(201);
    }
    const rows = await storage
      .selectFrom('audit_events')
      .select('id')
      .where('chain_id', '=', seeded.tenantId)
      .orderBy('chain_seq')
      .execute();
    return { seeded, eventIds: rows.map((row) => row.id) };
  }

  const check = async (seeded: Seeded) => {
    const reply = await seeded.admin.get('/v1/audit/verify');
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body as { ok: boolean; checked: number; firstBadEventId?: string };
  };

  describe('reading', () => {
    it('holds every change and every refused management call, with its request id, filterable and paged', async () => {
      const { seeded } = await busyTenant();
      const created = await seeded.admin.post('/v1/keys', { name: 'watched', kind: 'application' });
      const refused = await kw.client(created.body.key).get('/v1/users');
      expect(refused.status).toBe(403);

      const byTarget = await seeded.admin.get(`/v1/audit?targetId=${created.body.id}`);
      expect(byTarget.status).toBe(200);
      expect(byTarget.body.items).toEqual([
        expect.objectContaining({
          action: 'key.create',
          outcome: 'success',
          target: { type: 'key', id: created.body.id },
          requestId: created.headers['x-request-id'],
          actorKeyId: seeded.adminKeyId,
        }),
      ]);
      const denied = await seeded.admin.get(`/v1/audit?actorKeyId=${created.body.id}&outcome=denied`);
      expect(denied.body.items).toEqual([
        expect.objectContaining({
          status: 403,
          requestId: refused.headers['x-request-id'],
          details: expect.objectContaining({ code: 'FORBIDDEN' }),
        }),
      ]);

      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: any } = await seeded.admin.get(
          `/v1/audit?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
        );
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        all.push(...page.body.items.map((event: { id: string }) => event.id));
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      expect(all).toEqual([...all].sort());
      expect(new Set(all).size).toBe(all.length);
      expect(all).toContain(byTarget.body.items[0].id);
    });

    it('lists newest first with order=desc, page after page', async () => {
      const { seeded } = await busyTenant();
      const newest: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: any } = await seeded.admin.get(
          `/v1/audit?order=desc&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
        );
        expect(page.status).toBe(200);
        newest.push(...page.body.items.map((event: { id: string }) => event.id));
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      expect(newest.length).toBeGreaterThan(2);
      expect(newest).toEqual([...newest].sort().reverse());
      expect((await seeded.admin.get('/v1/audit?order=sideways')).status).toBe(400);
    });

    it('filters by action and time range', async () => {
      const { seeded } = await busyTenant();
      const from = new Date(clock.now() + 1).toISOString();
      clock.advance(10_000);
      await seeded.admin.post('/v1/groups', { name: 'late' });
      const to = new Date(clock.now()).toISOString();
      clock.advance(10_000);
      await seeded.admin.post('/v1/groups', { name: 'later' });
      const window = await seeded.admin.get(`/v1/audit?from=${from}&to=${to}`);
      expect(
        window.body.items.map((event: { action: string; details: { name?: string } }) => [
          event.action,
          event.details.name,
        ]),
      ).toEqual([['group.create', 'late']]);
      const groups = await seeded.admin.get('/v1/audit?action=group.create');
      expect(groups.body.items).toHaveLength(2);
    });

    it('shows a tenant only its own events; the root key every tenant’s; needs tenant.manage', async () => {
      const a = await busyTenant();
      const b = await busyTenant();
      const mine = await a.seeded.admin.get('/v1/audit?limit=100');
      expect(mine.body.items.every((event: { tenantId: string }) => event.tenantId === a.seeded.tenantId)).toBe(true);
      expectProblem(await a.seeded.admin.get(`/v1/audit?tenantId=${b.seeded.tenantId}`), 404, 'NOT_FOUND');
      const rooted = await kw.root.get(`/v1/audit?tenantId=${b.seeded.tenantId}&limit=100`);
      expect(rooted.body.items.map((event: { id: string }) => event.id)).toEqual(expect.arrayContaining(b.eventIds));
      const plain = await a.seeded.admin.post('/v1/keys', {
        name: 'plain',
        kind: 'user',
        userId: a.seeded.adminUserId,
        admin: true,
        permissions: ['users.manage'],
      });
      expectProblem(await kw.client(plain.body.key).get('/v1/audit'), 403, 'FORBIDDEN');
    });
  });

  describe('the hash chain', () => {
    it('verifies an untouched log', async () => {
      const { seeded, eventIds } = await busyTenant();
      expect(await check(seeded)).toEqual({ ok: true, checked: eventIds.length });
      const everything = await kw.root.get('/v1/audit/verify');
      expect(everything.body.ok).toBe(true);
    });

    it('names an edited event', async () => {
      const { seeded, eventIds } = await busyTenant();
      const middle = eventIds[2] as string;
      await storage
        .updateTable('audit_events')
        .set({ details: '{"name":"innocent"}' })
        .where('id', '=', middle)
        .execute();
      expect(await check(seeded)).toMatchObject({ ok: false, firstBadEventId: middle });
    });

    it('names an event whose time or actor was changed', async () => {
      const { seeded, eventIds } = await busyTenant();
      const target = eventIds[3] as string;
      await storage
        .updateTable('audit_events')
        .set({ actor_key_id: 'key_01aaaaaaaaaaaaaaaaaaaaaaaa' })
        .where('id', '=', target)
        .execute();
      expect(await check(seeded)).toMatchObject({ ok: false, firstBadEventId: target });
    });

    for (const [which, index] of [
      ['first', 0],
      ['middle', 2],
    ] as const) {
      it(`finds a deleted ${which} event, naming the event its deletion broke`, async () => {
        const { seeded, eventIds } = await busyTenant();
        await storage
          .deleteFrom('audit_events')
          .where('id', '=', eventIds[index] as string)
          .execute();
        expect(await check(seeded)).toMatchObject({ ok: false, firstBadEventId: eventIds[index + 1] });
      });
    }

    it('finds a deleted last event, naming it from the chain head', async () => {
      const { seeded, eventIds } = await busyTenant();
      const last = eventIds[eventIds.length - 1] as string;
      await storage.deleteFrom('audit_events').where('id', '=', last).execute();
      expect(await check(seeded)).toMatchObject({ ok: false, firstBadEventId: last });
    });

    it('finds two swapped events, naming the first one out of place', async () => {
      const { seeded, eventIds } = await busyTenant();
      const [one, two] = [eventIds[1] as string, eventIds[2] as string];
      const seqOf = async (id: string) =>
        Number(
          (await storage.selectFrom('audit_events').select('chain_seq').where('id', '=', id).executeTakeFirstOrThrow())
            .chain_seq,
        );
      const [seqOne, seqTwo] = [await seqOf(one), await seqOf(two)];
      await storage.updateTable('audit_events').set({ chain_seq: seqTwo }).where('id', '=', one).execute();
      await storage.updateTable('audit_events').set({ chain_seq: seqOne }).where('id', '=', two).execute();
      expect(await check(seeded)).toMatchObject({ ok: false, firstBadEventId: two });
    });

    it('keeps other tenants’ chains good when one is tampered with', async () => {
      const tampered = await busyTenant();
      const clean = await busyTenant();
      await storage
        .deleteFrom('audit_events')
        .where('id', '=', tampered.eventIds[1] as string)
        .execute();
      expect((await check(clean.seeded)).ok).toBe(true);
      expect((await check(tampered.seeded)).ok).toBe(false);
      expect((await kw.root.get('/v1/audit/verify')).body.ok).toBe(false);
      await storage.deleteFrom('audit_events').where('chain_id', '=', tampered.seeded.tenantId).execute();
      await storage.deleteFrom('audit_chain_heads').where('chain_id', '=', tampered.seeded.tenantId).execute();
    });
  });

  describe('retention', () => {
    it('keeps everything by default, prunes events older than the tenant’s retention, and the chain still verifies', async () => {
      const { seeded, eventIds } = await busyTenant();
      expect(await kw.keyward.pruneAudit()).toBe(0);
      expect((await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { auditRetentionDays: 30 })).status).toBe(200);
      clock.advance(31 * DAY);
      await seeded.admin.post('/v1/groups', { name: 'recent' });
      const pruned = await kw.keyward.pruneAudit();
      expect(pruned).toBeGreaterThanOrEqual(eventIds.length);
      const left = await storage
        .selectFrom('audit_events')
        .select('id')
        .where('chain_id', '=', seeded.tenantId)
        .execute();
      expect(left.map((row) => row.id)).not.toContain(eventIds[0]);
      expect(left.length).toBeGreaterThan(0);
      expect(await check(seeded)).toMatchObject({ ok: true, checked: left.length });
      // Tampering with what is left is still found.
      await storage
        .updateTable('audit_events')
        .set({ details: '{}' })
        .where('id', '=', left[0]?.id as string)
        .execute();
      expect((await check(seeded)).ok).toBe(false);
    });
  });

  it('never holds a key, a one-time code or a secret value, whatever the suite did', async () => {
    const { seeded } = await busyTenant();
    const secrets: string[] = [seeded.adminKey, kw.rootKey];
    const key = await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'user', userId: seeded.adminUserId });
    secrets.push(key.body.key);
    const rotated = await kw.client(key.body.key).post(`/v1/keys/${key.body.id}/rotate`, { gracePeriodSeconds: 60 });
    secrets.push(rotated.body.key);
    await kw.client().post('/v1/verify', { key: rotated.body.key, permission: 'users.manage' });
    await kw.client(`${rotated.body.key.slice(0, -1)}x`).get('/v1/me');
    const value = `sk-live-${Math.random().toString(36).slice(2)}`;
    const secret = await seeded.admin.post('/v1/resources', { type: 'secret', name: 'stripe', value });
    const newValue = `${value}-v2`;
    await seeded.admin.patch(`/v1/resources/${secret.body.id}`, { value: newValue });
    secrets.push(value, newValue);
    const enrolment = await seeded.admin.post(`/v1/users/${seeded.adminUserId}/mfa`);
    secrets.push(enrolment.body.secret, enrolment.body.otpauthUrl);
    const confirmCode = codeAt(enrolment.body.secret, clock.now());
    await seeded.admin.post(`/v1/users/${seeded.adminUserId}/mfa/confirm`, { code: confirmCode });
    clock.advance(STEP_MS);
    const signInCode = codeAt(enrolment.body.secret, clock.now());
    await seeded.admin.post('/v1/me/mfa/verify', { code: signInCode });
    await seeded.admin.post('/v1/me/mfa/verify', { code: signInCode });

    const everything = JSON.stringify(await storage.selectFrom('audit_events').selectAll().execute());
    expect(everything).toContain(secret.body.id);
    for (const text of secrets) expect(everything, `an audit event holds ${text.slice(0, 6)}…`).not.toContain(text);
    // Six digits may occur inside any number; a code stored would be a string value of its own.
    for (const code of [confirmCode, signInCode])
      expect(everything).not.toMatch(new RegExp(`[^0-9]${code}[^0-9]|\\"${code}\\"`));
  });
});
