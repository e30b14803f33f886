/**
 * Nodes started at the same instant on an empty PostgreSQL all come up (SPEC §6): the schema and
 * migrations are made once, the root key once, and every node answers for it.
 */
import { inject, afterEach, describe, expect, it } from 'vitest';
import { cluster, type Cluster } from '../support/cluster.js';

const url = inject('postgresUrl');

describe.skipIf(url === null)('nodes started at the same instant on an empty PostgreSQL', () => {
  let nodes: Cluster | undefined;
  afterEach(async () => {
    await nodes?.close();
  });

  it('all come up, with one root key that every node accepts', async () => {
    nodes = cluster(url as string);
    const started = await Promise.allSettled([nodes.start(), nodes.start(), nodes.start()]);
    const failures = started
      .filter((result) => result.status === 'rejected')
      .map((result) => String((result as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const rootKeys = running
      .map((node) => node.keyward.rootKey.createdKey)
      .filter((key): key is string => key !== null);
    expect(rootKeys).toHaveLength(1);
    expect(new Set(running.map((node) => node.keyward.rootKey.rootKeyId)).size).toBe(1);
    for (const node of running) expect((await node.call('GET', '/v1/me', rootKeys[0] as string)).status).toBe(200);
    // Three nodes migrate in turn under the schema lock: on a loaded machine that took over 20 s.
  }, 60_000);
});
