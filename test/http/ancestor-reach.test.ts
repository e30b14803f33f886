/**
 * SPEC §3 step 5: a grant reaches a resource through an ancestor (a role on it, or a type-wide
 * grant on its type) only if the key can reach that ancestor itself. Visibility on the resource
 * widens reach; it does not open a path through a private ancestor. Verify, GET (with a secret's
 * value) and the listing answer alike.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import type { Client } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

describe.each(testDatabases())('grants through ancestors on $name', (db) => {
  /** A deploy key of tenant A (namespace:admin, agent:editor, project:editor). */
  let deploy: { id: string; key: string; client: Client };
  let otherEnvironmentId: string;
  const kw = keywardForSuite(db);
  const a = tenantForSuite(kw, 'Alpha');
  const b = tenantForSuite(kw, 'Beta');
  beforeAll(async () => {
    const key = created(await a.admin.post('/v1/keys', { name: 'deploy', kind: 'application', preset: 'deploy' }));
    deploy = { id: key.id, key: key.key, client: kw.client(key.key) };
    otherEnvironmentId = created(await a.admin.post('/v1/environments', { name: 'staging' })).id;
  });

  /** A namespace with the given visibility and a secret (with a value) of the other under it, made by the root key. */
  async function secretUnder(
    environmentId: string,
    namespaceVisibility: string,
    secretVisibility: string,
  ): Promise<{ namespaceId: string; secretId: string }> {
    const namespace = created(
      await kw.root.post('/v1/resources', {
        environmentId,
        type: 'namespace',
        name: 'ns',
        visibility: namespaceVisibility,
      }),
    );
    const secret = created(
      await kw.root.post('/v1/resources', {
        environmentId,
        type: 'secret',
        name: 'db-password',
        parentId: namespace.id,
        visibility: secretVisibility,
        value: 's3cr3t-value',
      }),
    );
    return { namespaceId: namespace.id, secretId: secret.id };
  }

  const verifyRead = async (key: string, id: string): Promise<string> =>
    (await kw.client().post('/v1/verify', { key, action: 'read', resource: { type: 'secret', id } })).body.code;

  async function listedIds(client: Client): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const reply = await client.get(`/v1/resources?limit=100${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      ids.push(...reply.body.items.map((item: { id: string }) => item.id));
      cursor = reply.body.nextCursor;
    } while (cursor !== null);
    return ids;
  }

  it("namespace:admin does not reach a PUBLIC secret under another tenant's private namespace: verify, GET and listing", async () => {
    const { namespaceId, secretId } = await secretUnder(b.environmentId, 'ENVIRONMENT', 'PUBLIC');
    expect(await verifyRead(deploy.key, secretId)).toBe('FORBIDDEN');
    const read = await deploy.client.get(`/v1/resources/${secretId}`);
    expectProblem(read, 404, 'NOT_FOUND');
    expect(JSON.stringify(read.body)).not.toContain('s3cr3t-value');
    const listed = await listedIds(deploy.client);
    expect(listed).not.toContain(secretId);
    expect(listed).not.toContain(namespaceId);
  });

  it('namespace:admin does not reach a TENANT secret under a private namespace of another environment of its tenant', async () => {
    const { secretId } = await secretUnder(otherEnvironmentId, 'ENVIRONMENT', 'TENANT');
    expect(await verifyRead(deploy.key, secretId)).toBe('FORBIDDEN');
    expectProblem(await deploy.client.get(`/v1/resources/${secretId}`), 404, 'NOT_FOUND');
    expect(await listedIds(deploy.client)).not.toContain(secretId);
  });

  it("namespace:admin does not reach through another tenant's TENANT namespace, which is no more visible to it", async () => {
    const { secretId } = await secretUnder(b.environmentId, 'TENANT', 'PUBLIC');
    expect(await verifyRead(deploy.key, secretId)).toBe('FORBIDDEN');
    expectProblem(await deploy.client.get(`/v1/resources/${secretId}`), 404, 'NOT_FOUND');
  });

  it('namespace:admin reaches a PUBLIC secret under a PUBLIC namespace of another tenant, for reading only', async () => {
    const { namespaceId, secretId } = await secretUnder(b.environmentId, 'PUBLIC', 'PUBLIC');
    expect(await verifyRead(deploy.key, secretId)).toBe('VALID');
    const read = await deploy.client.get(`/v1/resources/${secretId}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({ id: secretId, parentId: namespaceId, value: 's3cr3t-value' });
    expect(await listedIds(deploy.client)).toEqual(expect.arrayContaining([namespaceId, secretId]));
    expectProblem(await deploy.client.patch(`/v1/resources/${secretId}`, { name: 'taken' }), 403, 'FORBIDDEN');
  });

  it('a role held on a private ancestor in another environment does not reach a TENANT resource under it', async () => {
    // The root key names a namespace of the other environment in a resource scope: the role is
    // on the ancestor itself, and the ancestor is out of the key's reach.
    const { namespaceId, secretId } = await secretUnder(otherEnvironmentId, 'ENVIRONMENT', 'TENANT');
    const scoped = created(
      await kw.root.post('/v1/keys', {
        environmentId: a.environmentId,
        name: 'scoped',
        kind: 'application',
        scopes: [`namespace:${namespaceId}:admin`],
      }),
    );
    expect(await verifyRead(scoped.key, secretId)).toBe('FORBIDDEN');
    expectProblem(await kw.client(scoped.key).get(`/v1/resources/${secretId}`), 404, 'NOT_FOUND');
  });
});
