/**
 * A node that loses its database never crashes (SPEC §6, issue 16 "database faults, proven"):
 * through a TCP proxy the test cuts and restores, cached verifies go on within the staleness
 * bound and then answer 503; writes answer 503; /readyz is not ready; when the link is back the
 * node catches up by itself, and a revoke made on another node meanwhile is enforced at once.
 * Three nodes share one PostgreSQL schema; only the third's link is cut. Run again with Redis
 * wake-ups on. The node whose link is cut runs on a clock of the test's: its staleness grows only
 * when the test moves that clock, so "within the bound" and "past it" hold however slow the run.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import type { Config } from '../../src/http/config.js';
import { cluster, type Cluster, type Node } from '../support/cluster.js';
import { tcpProxy, throughProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { redisAvailable, TEST_REDIS_URL } from '../support/redis.js';
import { until } from '../support/until.js';

const url = inject('postgresUrl');
const REDIS_URL = TEST_REDIS_URL;

const redis = url !== null && (await redisAvailable());
const MAX_STALENESS_MS = 1500;
/** Short bounds so a cut and a catch-up take seconds, not minutes. */
const FAST: Partial<Config> = { changePollMs: 100, maxStalenessMs: MAX_STALENESS_MS, usageFlushMs: 200 };

/** How long a wait here goes on before the assertion after it judges what was read last. */
const WAIT_MS = 15_000;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

const variants = [
  { name: 'PostgreSQL NOTIFY', config: {} as Partial<Config> },
  ...(redis ? [{ name: 'Redis wake-ups', config: { redisUrl: REDIS_URL } as Partial<Config> }] : []),
];

describe.skipIf(url === null).each(variants)('a database link cut, with $name', ({ config }) => {
  const databaseUrl = url as string;
  let nodes: Cluster;
  let proxy: TcpProxy;
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
  });
  afterEach(async () => {
    await proxy?.close();
    await nodes?.close();
  });

  const target = new URL(url ?? 'postgres://127.0.0.1:5432');
  const start = async (): Promise<void> => {
    proxy = await tcpProxy(target.hostname, Number(target.port || 5432));
    nodes = cluster(databaseUrl);
  };

  /** A tenant, an environment and an application key, made with the root key on `node`. */
  async function appKey(node: Node, root: string): Promise<{ id: string; key: string }> {
    const tenant = await node.call('POST', '/v1/tenants', root, { name: 'Faults' });
    const environment = await node.call('POST', '/v1/environments', root, { tenantId: tenant.body.id, name: 'prod' });
    const key = await node.call('POST', '/v1/keys', root, {
      environmentId: environment.body.id,
      name: 'k',
      kind: 'application',
    });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    return { id: key.body.id, key: key.body.key };
  }
  const verify = (node: Node, key: string) => node.call('POST', '/v1/verify', null, { key });

  it('keeps one node up through the cut: cached verifies, then 503; writes 503; not ready; back by itself', async () => {
    await start();
    const clock = manualClock(Date.now());
    const node = await nodes.start({
      databaseUrl: throughProxy(databaseUrl, proxy.port),
      config: { ...FAST, ...config },
      clock,
    });
    const root = node.keyward.rootKey.createdKey as string;
    const key = await appKey(node, root);
    // The node's follower reads its own changes back from the log, evicting the new key once more:
    // after that, the verify caches it.
    await node.keyward.follower.catchUp();
    expect((await verify(node, key.key)).body.code).toBe('VALID');

    proxy.cut();
    // Within the staleness bound, however long the run took to get here: the cache answers.
    const cached = await verify(node, key.key);
    expect(cached.status, node.logText()).toBe(200);
    expect(cached.body.code, node.logText()).toBe('VALID');
    const write = await node.call('POST', '/v1/tenants', root, { name: 'During' });
    expect(write.status).toBe(503);
    expect(write.body.code).toBe('UNAVAILABLE');
    expect((await node.call('GET', '/readyz', null)).status).toBe(503);

    clock.advance(MAX_STALENESS_MS + 1);
    const stale = await verify(node, key.key);
    expect(stale.status).toBe(503);
    expect(stale.body.code).toBe('UNAVAILABLE');

    proxy.restore();
    expect(
      (
        await until(
          () => node.call('GET', '/readyz', null),
          (reply) => reply.status === 200,
          WAIT_MS,
        )
      ).status,
    ).toBe(200);
    expect((await verify(node, key.key)).body.code).toBe('VALID');
    expect((await node.call('POST', '/v1/tenants', root, { name: 'After' })).status).toBe(201);
    expect(unhandled).toEqual([]);
  }, 60_000);

  it('enforces a revoke made on another node during the cut as soon as the link is back, on three nodes', async () => {
    await start();
    const first = await nodes.start({ config: { ...FAST, ...config } });
    const second = await nodes.start({ config: { ...FAST, ...config } });
    const clock = manualClock(Date.now());
    const cutOff = await nodes.start({
      databaseUrl: throughProxy(databaseUrl, proxy.port),
      config: { ...FAST, ...config },
      clock,
    });
    const root = first.keyward.rootKey.createdKey as string;
    const key = await appKey(first, root);
    await cutOff.keyward.follower.catchUp();
    expect((await verify(cutOff, key.key)).body.code).toBe('VALID');

    proxy.cut();
    // Within the staleness bound: the cut-off node still answers from its cache.
    const cached = await verify(cutOff, key.key);
    expect(cached.status, cutOff.logText()).toBe(200);
    expect(cached.body.code, cutOff.logText()).toBe('VALID');
    expect((await second.call('POST', `/v1/keys/${key.id}/revoke`, root)).status).toBe(200);
    expect((await verify(first, key.key)).body.code).toBe('REVOKED');
    expect((await cutOff.call('POST', '/v1/tenants', root, { name: 'During' })).status).toBe(503);
    expect((await cutOff.call('GET', '/readyz', null)).status).toBe(503);

    // Past the bound, it may no longer: it cannot know of the revoke, so it says it cannot answer.
    clock.advance(MAX_STALENESS_MS + 1);
    const stale = await verify(cutOff, key.key);
    expect(stale.status).toBe(503);
    expect(stale.body.code).toBe('UNAVAILABLE');

    proxy.restore();
    const answered = await until(
      () => verify(cutOff, key.key),
      (reply) => reply.status !== 503,
      WAIT_MS,
    );
    expect(answered.status).toBe(200);
    expect(answered.body.code).toBe('REVOKED');
    expect(
      (
        await until(
          () => cutOff.call('GET', '/readyz', null),
          (reply) => reply.status === 200,
          WAIT_MS,
        )
      ).status,
    ).toBe(200);
    expect((await verify(cutOff, key.key)).body.code).toBe('REVOKED');
    expect(unhandled).toEqual([]);
  }, 90_000);
});
