/**
 * `GET /v1/changes/stream` and `POST /v1/replica/usage` (SPEC §4, replica): only a
 * `verify.replicate` key streams, and only its own environment; the stream names the keys whose
 * verdicts changed in its environment, never a key of another environment or tenant; a replica's
 * usage counts as verifies of the environment's keys, and of no other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';
import { expectProblem } from '../support/problem.js';

interface StreamEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

function eventsOf(text: string): StreamEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const name = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? '';
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6) ?? '{}';
      return { event: name, data: JSON.parse(data) as Record<string, unknown> };
    });
}

describe.each(testDatabases())('the change stream on $name', (db) => {
  let kw: TestKeyward;
  let home: Seeded;
  let other: Seeded;
  let replicate: { id: string; key: string };
  const newKey = async (seeded: Seeded, fields: Record<string, unknown> = {}) => {
    const created = await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', ...fields });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { id: created.body.id as string, key: created.body.key as string };
  };
  beforeAll(async () => {
    kw = await startKeyward(db, { config: { changeStreamMaxMs: 2500, changeStreamHeartbeatMs: 50 } });
    home = await seedTenant(kw, 'Home');
    other = await seedTenant(kw, 'Other');
    replicate = await newKey(home, { permissions: ['verify.replicate'] });
  });
  afterAll(async () => {
    await kw?.close();
  });

  it("streams the caller's environment: ready, fresh, and the keys whose verdicts changed, never another tenant's", async () => {
    const mine = await newKey(home);
    const theirs = await newKey(other);
    const streamed = kw.client(replicate.key).get('/v1/changes/stream');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await home.admin.post(`/v1/keys/${mine.id}/revoke`)).status).toBe(200);
    expect((await other.admin.post(`/v1/keys/${theirs.id}/revoke`)).status).toBe(200);
    const reply = await streamed;
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = eventsOf(String(reply.body));
    expect(events[0]).toEqual({
      event: 'ready',
      data: expect.objectContaining({ tenantId: home.tenantId, environmentId: home.environmentId }),
    });
    expect(events.some((event) => event.event === 'fresh')).toBe(true);
    expect(events).toContainEqual({ event: 'evict', data: { keys: [mine.id] } });
    expect(String(reply.body)).not.toContain(theirs.id);
    expect(events.at(-1)?.event).toBe('end');
  });

  it("says nothing of another environment of its tenant: neither its keys' ids nor its changes", async () => {
    const qa = await home.admin.post('/v1/environments', { name: 'qa' });
    expect(qa.status, JSON.stringify(qa.body)).toBe(201);
    const before = await newKey(home, { environmentId: qa.body.id });
    const mine = await newKey(home);
    const streamed = kw.client(replicate.key).get('/v1/changes/stream');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Every change of qa's keys and of qa itself: a creation, an edit, a rotation, a revocation, its
    // settings (side by side, so that all are made well within the stream's life).
    const [during, disabled] = await Promise.all([
      newKey(home, { environmentId: qa.body.id }),
      home.admin.patch(`/v1/keys/${before.id}`, { enabled: false }),
    ]);
    expect(disabled.status).toBe(200);
    const [rotated, revoked] = await Promise.all([
      home.admin.post(`/v1/keys/${during.id}/rotate`, {}),
      home.admin.post(`/v1/keys/${before.id}/revoke`),
    ]);
    expect([rotated.status, revoked.status]).toEqual([200, 200]);
    expect((await home.admin.patch(`/v1/environments/${qa.body.id}`, { ipAllowlist: ['10.0.0.0/8'] })).status).toBe(
      200,
    );
    // Its own environment's change, after all of those: the stream is heard through to here.
    expect((await home.admin.post(`/v1/keys/${mine.id}/revoke`)).status).toBe(200);
    const body = String((await streamed).body);
    const evictions = eventsOf(body).filter((event) => event.event === 'evict');
    expect(evictions).toEqual([{ event: 'evict', data: { keys: [mine.id] } }]);
    for (const id of [before.id, during.id, qa.body.id as string]) expect(body).not.toContain(id);
  });

  it('tells a change that reaches every key of the tenant (a policy) as evicting all', async () => {
    const policy = await home.admin.post('/v1/policies', { name: 'p', permissions: [] });
    const streamed = kw.client(replicate.key).get('/v1/changes/stream');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await home.admin.patch(`/v1/policies/${policy.body.id}`, { name: 'q' })).status).toBe(200);
    // …and ends there, not at the end of its life (heartbeats every 50 ms would come between): a
    // policy may have been the replica key's own, so the key is checked again as the replica reconnects.
    expect(eventsOf(String((await streamed).body)).slice(-2)).toEqual([
      { event: 'evict', data: { all: true } },
      { event: 'end', data: {} },
    ]);
  });

  it('ends at once when its own key is revoked, and the key opens no other', async () => {
    const own = await newKey(home, { permissions: ['verify.replicate'] });
    const streamed = kw.client(own.key).get('/v1/changes/stream');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await home.admin.post(`/v1/keys/${own.id}/revoke`)).status).toBe(200);
    expect(eventsOf(String((await streamed).body)).slice(-2)).toEqual([
      { event: 'evict', data: { keys: [own.id] } },
      { event: 'end', data: {} },
    ]);
    expect((await kw.client(own.key).get('/v1/changes/stream')).status).toBe(401);
  });

  it('refuses a key without verify.replicate, a key of another environment, and another tenant', async () => {
    const plain = await newKey(home);
    expectProblem(await kw.client(plain.key).get('/v1/changes/stream'), 403, 'FORBIDDEN');
    const staging = await home.admin.post('/v1/environments', { name: 'staging' });
    const elsewhere = await newKey(home, { environmentId: staging.body.id, permissions: ['verify.replicate'] });
    expectProblem(
      await kw.client(elsewhere.key).get(`/v1/changes/stream?environmentId=${home.environmentId}`),
      403,
      'FORBIDDEN',
    );
    const foreign = await newKey(other, { permissions: ['verify.replicate'] });
    expectProblem(
      await kw.client(foreign.key).get(`/v1/changes/stream?environmentId=${home.environmentId}`),
      404,
      'NOT_FOUND',
    );
    expectProblem(await kw.client().get('/v1/changes/stream'), 401, 'UNAUTHENTICATED');
  });

  it("counts a replica's usage for its environment's keys, and ignores any other", async () => {
    const mine = await newKey(home);
    const theirs = await newKey(other);
    const at = new Date().toISOString();
    const reply = await kw.client(replicate.key).post('/v1/replica/usage', {
      items: [
        { keyId: mine.id, code: 'VALID', count: 7, lastUsedAt: at, lastUsedIp: '203.0.113.9' },
        { keyId: mine.id, code: 'FORBIDDEN', count: 2, lastUsedAt: new Date(Date.now() - 60_000).toISOString() },
        { keyId: theirs.id, code: 'VALID', count: 5, lastUsedAt: at },
      ],
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toEqual({ accepted: 9, ignored: 5 });
    const usage = await home.admin.get(`/v1/keys/${mine.id}/usage`);
    expect(usage.body).toMatchObject({ total: 9, lastUsedIp: '203.0.113.9' });
    expect((await other.admin.get(`/v1/keys/${theirs.id}/usage`)).body.total).toBe(0);
    // A full batch, as a replica of many keys sends it (1000 items, the longest addresses): taken whole.
    const item = {
      keyId: mine.id,
      code: 'VALID',
      count: 1,
      lastUsedAt: at,
      lastUsedIp: '0000:0000:0000:0000:0000:ffff:255.255.255.255',
    };
    const full = await kw.client(replicate.key).post('/v1/replica/usage', { items: Array(1000).fill(item) });
    expect(full.status, JSON.stringify(full.body)).toBe(200);
    expect(full.body).toEqual({ accepted: 1000, ignored: 0 });
    expectProblem(
      await kw.client(replicate.key).post('/v1/replica/usage', { items: [{ keyId: mine.id, code: 'NOPE' }] }),
      400,
      'VALIDATION',
    );
  });
});
