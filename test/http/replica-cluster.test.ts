/**
 * The replica on a cluster (SPEC §4, replica): three nodes on one PostgreSQL, the replica
 * streaming from the third; keys revoked and disabled through the first are dropped by the
 * replica as soon as the change reaches the third node (its LISTEN/NOTIFY wake-up), never served
 * after. The bound asserted here is loose (a shared test machine); bench/lib/replica.mjs measures
 * the p50 and p99.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createReplica, type Replica } from '../../src/client/index.js';
import { cluster, type Cluster, type Node } from '../support/cluster.js';

const POSTGRES_URL = inject('postgresUrl');
if (POSTGRES_URL === null) console.warn('skipping the replica cluster tests: they need PostgreSQL');

describe.skipIf(POSTGRES_URL === null)('a replica of a three-node cluster', () => {
  let nodes: Cluster;
  let started: Node[];
  let replica: Replica;
  let root: string;
  let environmentId: string;
  beforeAll(async () => {
    nodes = cluster(POSTGRES_URL ?? '');
    started = [];
    for (let i = 0; i < 3; i++) started.push(await nodes.start({ config: { changeStreamHeartbeatMs: 100 } }));
    const [first, , third] = started as [Node, Node, Node];
    root = first.keyward.rootKey.createdKey ?? '';
    const tenant = await first.call('POST', '/v1/tenants', root, { name: 'Replicated' });
    environmentId = (await first.call('POST', '/v1/environments', root, { tenantId: tenant.body.id, name: 'prod' }))
      .body.id;
    const replicate = await first.call('POST', '/v1/keys', root, {
      environmentId,
      name: 'replica',
      kind: 'application',
      permissions: ['verify.replicate'],
    });
    const baseUrl = await third.keyward.app.listen({ port: 0, host: '127.0.0.1' });
    replica = createReplica({ baseUrl, key: replicate.body.key, timeoutMs: 2000 });
    await replica.ready;
  });
  afterAll(async () => {
    await replica?.close();
    for (const node of started ?? []) node.keyward.app.server.closeAllConnections();
    await nodes?.close();
  });

  async function keptKey(): Promise<{ id: string; request: { key: string } }> {
    const [first] = started as [Node];
    const made = await first.call('POST', '/v1/keys', root, { environmentId, name: 'k', kind: 'application' });
    const request = { key: made.body.key as string };
    for (let tries = 0; tries < 100 && replica.verifyCached(request) === undefined; tries++) {
      expect((await replica.verify(request)).code).toBe('VALID');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(replica.verifyCached(request)?.code).toBe('VALID');
    return { id: made.body.id, request };
  }

  /** From the change sent to the first node to the replica dropping the verdict, in ms. */
  async function dropped(request: { key: string }, change: () => Promise<unknown>): Promise<number> {
    const began = performance.now();
    const sent = change();
    while (replica.verifyCached(request) !== undefined) {
      if (performance.now() - began > 5000) throw new Error('the replica still answers after 5 s');
      await new Promise((resolve) => setImmediate(resolve));
    }
    const ms = performance.now() - began;
    await sent;
    return ms;
  }

  it('drops a key revoked on another node, then answers REVOKED from the server', async () => {
    const [first] = started as [Node];
    const samples: number[] = [];
    for (let n = 0; n < 10; n++) {
      const { id, request } = await keptKey();
      samples.push(await dropped(request, () => first.call('POST', `/v1/keys/${id}/revoke`, root)));
      expect((await replica.verify(request)).code).toBe('REVOKED');
    }
    expect(Math.max(...samples)).toBeLessThan(5000);
  });

  it('drops a key disabled on another node', async () => {
    const [first] = started as [Node];
    const { id, request } = await keptKey();
    await dropped(request, () => first.call('PATCH', `/v1/keys/${id}`, root, { enabled: false }));
    expect((await replica.verify(request)).code).toBe('DISABLED');
  });
});
