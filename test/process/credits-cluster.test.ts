/**
 * Issue 17: usage credits hold across nodes. Three nodes on one PostgreSQL spend one key's 100
 * credits under 1 000 verifies, 60 in flight at once over the three: exactly 100 are VALID and none
 * overspend.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { cluster, type Cluster, type Node } from '../support/cluster.js';
import { inFlight } from '../support/in-flight.js';

const url = inject('postgresUrl');

describe.skipIf(url === null)('usage credits on three PostgreSQL nodes', () => {
  let nodes: Cluster | undefined;
  afterAll(async () => {
    await nodes?.close();
  });

  it('1 000 verifies, 60 at a time over three nodes, against 100 credits: exactly 100 VALID, and 0 left', async () => {
    nodes = cluster(url as string);
    const first = await nodes.start();
    const rootKey = first.keyward.rootKey.createdKey as string;
    const running: Node[] = [first, await nodes.start(), await nodes.start()];
    const tenant = await first.call('POST', '/v1/tenants', rootKey, { name: 'Metered' });
    expect(tenant.status).toBe(201);
    const environment = await first.call('POST', '/v1/environments', rootKey, {
      tenantId: tenant.body.id,
      name: 'production',
    });
    expect(environment.status).toBe(201);
    const key = await first.call('POST', '/v1/keys', rootKey, {
      environmentId: environment.body.id,
      name: 'metered',
      kind: 'application',
      credits: { remaining: 100 },
    });
    expect(key.status).toBe(201);

    const answers = await inFlight(1000, 60, (i) =>
      (running[i % running.length] as Node).call('POST', '/v1/verify', null, { key: key.body.key }),
    );
    expect(answers.filter((answer) => answer.body.code === 'VALID')).toHaveLength(100);
    expect(answers.filter((answer) => answer.body.code === 'USAGE_EXCEEDED')).toHaveLength(900);
    const read = await first.call('GET', `/v1/keys/${key.body.id}`, rootKey);
    expect(read.body.credits).toMatchObject({ remaining: 0 });
    // Three nodes start and migrate in turn before the race: on a loaded machine that alone took 20 s.
  }, 90_000);
});
