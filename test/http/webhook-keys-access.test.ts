/**
 * Who may use a webhook key (SPEC §5): `webhooks.manage` of the key's environment manages it; a
 * key that may `run` the webhook it is bound to may verify signatures with it and do nothing
 * else. A webhook key binds only to a `webhook` resource of its own environment, and neither that
 * resource nor the environment is deleted while the key remains (409).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import type { Client } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

const GITHUB = {
  secret: "It's a Secret to Everybody",
  request: {
    headers: { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
    body: 'Hello, World!',
  },
};

describe.each(testDatabases())('webhook key access on $name', (db) => {
  let webhookId: string;
  let boundId: string;
  let unboundId: string;
  const kw = keywardForSuite(db);
  const acme = tenantForSuite(kw, 'Acme');
  const other = tenantForSuite(kw, 'Other');
  beforeAll(async () => {
    webhookId = created(await acme.admin.post('/v1/resources', { type: 'webhook', name: 'slack-events' })).id;
    boundId = created(
      await acme.admin.post('/v1/webhook-keys', { name: 'bound', scheme: 'github', secret: GITHUB.secret, webhookId }),
    ).id;
    unboundId = created(
      await acme.admin.post('/v1/webhook-keys', { name: 'unbound', scheme: 'github', secret: GITHUB.secret }),
    ).id;
  });

  const keyWith = async (body: Record<string, unknown>, environmentId = acme.environmentId): Promise<Client> => {
    const made = created(
      await kw.root.post('/v1/keys', { environmentId, name: 'caller', kind: 'application', ...body }),
    );
    return kw.client(made.key);
  };

  it('lets a key that may run the bound webhook verify with it, and nothing else', async () => {
    const runner = await keyWith({ permissions: ['functions.execute'] });
    const verdict = await runner.post(`/v1/webhook-keys/${boundId}/verify`, GITHUB.request);
    expect(verdict.status, JSON.stringify(verdict.body)).toBe(200);
    expect(verdict.body).toEqual({ valid: true });
    expectProblem(await runner.get(`/v1/webhook-keys/${boundId}`), 403, 'FORBIDDEN');
    expectProblem(await runner.post(`/v1/webhook-keys/${boundId}/rotate`, {}), 403, 'FORBIDDEN');
    expectProblem(await runner.post(`/v1/webhook-keys/${unboundId}/verify`, GITHUB.request), 403, 'FORBIDDEN');
  });

  it('refuses a key holding only a view of the webhook: running it is what verifying needs', async () => {
    const viewer = await keyWith({ scopes: ['webhook:viewer'] });
    const refused = await viewer.post(`/v1/webhook-keys/${boundId}/verify`, GITHUB.request);
    expectProblem(refused, 403, 'FORBIDDEN');
  });

  it('lets webhooks.manage of its own environment manage webhook keys, not those of another', async () => {
    const manager = await keyWith({ permissions: ['webhooks.manage'] });
    expect((await manager.get(`/v1/webhook-keys/${boundId}`)).status).toBe(200);
    const made = await manager.post('/v1/webhook-keys', { name: 'own', scheme: 'slack' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);

    const stagingId = created(await acme.admin.post('/v1/environments', { name: 'staging' })).id;
    const elsewhere = await keyWith({ permissions: ['webhooks.manage'] }, stagingId);
    expectProblem(await elsewhere.get(`/v1/webhook-keys/${boundId}`), 403, 'FORBIDDEN');
    expectProblem(
      await elsewhere.post('/v1/webhook-keys', { environmentId: acme.environmentId, name: 'x', scheme: 'slack' }),
      403,
      'FORBIDDEN',
    );
    expectProblem(await elsewhere.get(`/v1/webhook-keys?environmentId=${acme.environmentId}`), 403, 'FORBIDDEN');
    const ownList = await elsewhere.get('/v1/webhook-keys');
    expect(ownList.status).toBe(200);
    expect(ownList.body.items).toEqual([]);
  });

  it("answers another tenant's webhook key 404, whatever the caller holds", async () => {
    expectProblem(await other.admin.get(`/v1/webhook-keys/${boundId}`), 404, 'NOT_FOUND');
    expectProblem(await other.admin.post(`/v1/webhook-keys/${boundId}/verify`, GITHUB.request), 404, 'NOT_FOUND');
    expectProblem(
      await other.admin.post('/v1/webhook-keys', { name: 'x', scheme: 'github', webhookId }),
      404,
      'NOT_FOUND',
    );
  });

  it('binds only to a webhook of its own environment', async () => {
    const agentId = created(await acme.admin.post('/v1/resources', { type: 'agent', name: 'not-a-webhook' })).id;
    const toAgent = await acme.admin.post('/v1/webhook-keys', { name: 'x', scheme: 'github', webhookId: agentId });
    expectProblem(toAgent, 400, 'VALIDATION');
    expect(toAgent.body.field).toBe('webhookId');

    const stagingId = created(await acme.admin.post('/v1/environments', { name: 'staging-two' })).id;
    const there = created(
      await kw.root.post('/v1/resources', { environmentId: stagingId, type: 'webhook', name: 'elsewhere' }),
    ).id;
    const across = await kw.root.post('/v1/webhook-keys', {
      environmentId: acme.environmentId,
      name: 'x',
      scheme: 'github',
      webhookId: there,
    });
    expectProblem(across, 400, 'VALIDATION');
  });

  it('keeps a bound webhook and an environment with webhook keys from being deleted (409) until the keys go', async () => {
    const environmentId = created(await acme.admin.post('/v1/environments', { name: 'short-lived' })).id;
    const hook = created(await kw.root.post('/v1/resources', { environmentId, type: 'webhook', name: 'h' })).id;
    const key = created(
      await kw.root.post('/v1/webhook-keys', { environmentId, name: 'k', scheme: 'slack', webhookId: hook }),
    ).id;
    expectProblem(await kw.root.delete(`/v1/resources/${hook}`), 409, 'CONFLICT');
    expect((await kw.root.delete(`/v1/webhook-keys/${key}`)).status).toBe(200);
    expect((await kw.root.delete(`/v1/resources/${hook}`)).status).toBe(200);

    created(await kw.root.post('/v1/webhook-keys', { environmentId, name: 'left', scheme: 'github' }));
    expectProblem(await acme.admin.delete(`/v1/environments/${environmentId}`), 409, 'CONFLICT');
  });

  it('lists by webhook', async () => {
    const listed = await acme.admin.get(`/v1/webhook-keys?webhookId=${webhookId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([boundId]);
  });
});
