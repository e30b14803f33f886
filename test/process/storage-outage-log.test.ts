/**
 * While PostgreSQL is away a node says so once, not once per failed verify or per change-log
 * poll (issue 28): one error line for the first failed verify, one for the first failed poll, the
 * rest counted; when the database is back, one line with the counts.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { cluster, type Cluster, type Node } from '../support/cluster.js';
import { tcpProxy, throughProxy, type TcpProxy } from '../support/tcp-proxy.js';

const url = inject('postgresUrl');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(url === null)('the log while PostgreSQL is away', () => {
  let nodes: Cluster | undefined;
  let proxy: TcpProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    await nodes?.close();
  });

  /** Lines since the cut: before it, a loaded machine may time a read out and log that blip, rightly. */
  let from = 0;
  const lines = (node: Node, message: string) =>
    node
      .logText()
      .slice(from)
      .split('\n')
      .filter((line) => line.includes(message));

  it('has one line for the first failed verify and one when storage answers again, with the count', async () => {
    const target = new URL(url as string);
    proxy = await tcpProxy(target.hostname, Number(target.port || 5432));
    nodes = cluster(url as string);
    const node = await nodes.start({
      databaseUrl: throughProxy(url as string, proxy.port),
      config: { logLevel: 'info', changePollMs: 100, maxStalenessMs: 60_000 },
    });
    const root = node.keyward.rootKey.createdKey as string;
    const tenant = await node.call('POST', '/v1/tenants', root, { name: 'Away' });
    const environment = await node.call('POST', '/v1/environments', root, { tenantId: tenant.body.id, name: 'prod' });
    const keys: string[] = [];
    for (let i = 0; i < 5; i++)
      keys.push(
        (
          await node.call('POST', '/v1/keys', root, {
            environmentId: environment.body.id,
            name: `k${i}`,
            kind: 'application',
          })
        ).body.key,
      );
    await node.keyward.follower.catchUp();
    node.keyward.cache.clear();

    from = node.logText().length;
    proxy.cut();
    for (const key of keys) expect((await node.call('POST', '/v1/verify', null, { key })).status).toBe(503);
    // The storage probe (every 5 s) sees it too: keyward_storage_up turns 0.
    const metrics = async () => (await node.keyward.app.inject({ method: 'GET', url: '/metrics' })).body;
    let up = /^keyward_storage_up (\d)/m.exec(await metrics())?.[1];
    for (let waited = 0; up !== '0' && waited < 8000; waited += 200) {
      await sleep(200);
      up = /^keyward_storage_up (\d)/m.exec(await metrics())?.[1];
    }
    expect(up).toBe('0');
    expect(lines(node, 'verify could not reach storage')).toHaveLength(1);
    expect(lines(node, 'change log read failed').length).toBeLessThanOrEqual(1);
    expect(lines(node, 'storage does not answer').length).toBeLessThanOrEqual(1);

    proxy.restore();
    const started = Date.now();
    while (lines(node, 'storage answers again').length === 0 && Date.now() - started < 15_000) await sleep(100);
    const recovered = lines(node, 'storage answers again');
    expect(recovered).toHaveLength(1);
    // And the next probe sees it back.
    for (let waited = 0; up !== '1' && waited < 8000; waited += 200) {
      await sleep(200);
      up = /^keyward_storage_up (\d)/m.exec(await metrics())?.[1];
    }
    expect(up).toBe('1');
    expect(JSON.parse(recovered[0] as string).suppressedRepeats.verify).toBe(4);
  });
});
