/**
 * Rate limits across nodes (docs/limits.md): three nodes sharing Redis hold a limit exactly; three
 * without Redis each enforce ceil(limit / KEYWARD_NODES); where Redis is down the setting decides.
 * The nodes share one frozen clock, so every request falls in one window and the counts are exact.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import type { Config } from '../../src/http/config.js';
import { cluster, type Cluster, type Node } from '../support/cluster.js';
import { redisAvailable, TEST_REDIS_URL } from '../support/redis.js';

const REDIS_URL = TEST_REDIS_URL;
const POSTGRES_URL = inject('postgresUrl');

const redis = await redisAvailable();
if (!redis)
  console.warn(
    `skipping the shared-Redis rate-limit tests: nothing answers at ${REDIS_URL} (set KEYWARD_TEST_REDIS_URL to require it)`,
  );
if (POSTGRES_URL === null) console.warn('skipping the rate-limit cluster tests: they need PostgreSQL');

/**
 * A minute, though the clock is frozen: Redis expires a window's counter in real time, and on a
 * loaded machine 30 verifies outlasted a one-second window (15 of 10 were VALID).
 */
const TEN_PER_MINUTE = [{ name: 'per-minute', limit: 10, durationMs: 60_000 }];

describe.skipIf(POSTGRES_URL === null)('rate limits on three nodes', () => {
  let nodes: Cluster;
  const clock = manualClock(Date.UTC(2026, 5, 1, 12, 0, 0, 100));
  beforeAll(() => {
    nodes = cluster(POSTGRES_URL ?? '');
  });
  afterAll(async () => {
    await nodes.close();
  });

  async function threeNodes(config: Partial<Config>): Promise<Node[]> {
    const started: Node[] = [];
    for (let i = 0; i < 3; i++) started.push(await nodes.start({ clock, config: { ...config, logLevel: 'info' } }));
    return started;
  }

  /** The root key, shown once: by the first node the cluster ever started. */
  let root = '';
  let lastKeyId = '';
  async function limitedKey(node: Node, extra: Record<string, unknown> = {}): Promise<string> {
    root ||= node.keyward.rootKey.createdKey ?? '';
    const tenant = await node.call('POST', '/v1/tenants', root, { name: `Limits ${Math.random()}` });
    const environment = await node.call('POST', '/v1/environments', root, { tenantId: tenant.body.id, name: 'prod' });
    const key = await node.call('POST', '/v1/keys', root, {
      environmentId: environment.body.id,
      name: 'k',
      kind: 'application',
      ratelimits: TEN_PER_MINUTE,
      ...extra,
    });
    expect(key.status).toBe(201);
    lastKeyId = key.body.id as string;
    return key.body.key as string;
  }

  /** 30 verifies of one key in one window, round-robin over the nodes: how many were VALID. */
  async function validOf(started: Node[], key: string): Promise<number> {
    let valid = 0;
    for (let i = 0; i < 30; i++) {
      const node = started[i % started.length];
      if (node === undefined) continue;
      const reply = await node.call('POST', '/v1/verify', null, { key });
      if (reply.body.code === 'VALID') valid++;
      else expect(reply.body.code).toBe('RATE_LIMITED');
    }
    return valid;
  }

  it.skipIf(!redis)('holds 10 per minute exactly across three nodes sharing Redis', async () => {
    clock.set(Date.UTC(2026, 5, 1, 12, 0, 0, 100));
    const started = await threeNodes({ redisUrl: REDIS_URL, nodes: 1 });
    expect(await validOf(started, await limitedKey(started[0] as Node))).toBe(10);
    expect(started[0]?.logText()).toContain('rate limits: shared through Redis');
  });

  it.skipIf(!redis)('gives back in Redis the units of requests refused for credits, on every node', async () => {
    clock.set(Date.UTC(2026, 5, 1, 12, 0, 2, 100));
    const started = await threeNodes({ redisUrl: REDIS_URL, nodes: 1 });
    const key = await limitedKey(started[0] as Node, { credits: { remaining: 0 } });
    for (const node of started)
      expect((await node.call('POST', '/v1/verify', null, { key })).body.code).toBe('USAGE_EXCEEDED');
    expect((await (started[1] as Node).call('PATCH', `/v1/keys/${lastKeyId}`, root, { creditsAdd: 100 })).status).toBe(
      200,
    );
    expect(await validOf(started, key)).toBe(10);
  });

  it('lets three nodes without Redis take ceil(10 / 3) each: at most 12 of 10', async () => {
    clock.set(Date.UTC(2026, 5, 1, 12, 0, 5, 100));
    const started = await threeNodes({ redisUrl: undefined, nodes: 3 });
    expect(await validOf(started, await limitedKey(started[0] as Node))).toBe(12);
    expect(started[0]?.logText()).toContain('each node enforces ceil(limit / 3)');
  });

  it('falls back to the node share where Redis is down (fail-open), and refuses where told to (fail-closed)', async () => {
    clock.set(Date.UTC(2026, 5, 1, 12, 0, 10, 100));
    const unreachable = 'redis://127.0.0.1:1';
    const open = await nodes.start({
      clock,
      config: { redisUrl: unreachable, nodes: 1, rateLimitRedisDown: 'open', changePollMs: 100 },
    });
    const closed = await nodes.start({
      clock,
      config: { redisUrl: unreachable, nodes: 1, rateLimitRedisDown: 'closed', changePollMs: 100 },
    });
    const key = await limitedKey(open);
    expect(await validOf([open], key)).toBe(10);
    await closed.keyward.follower.catchUp();
    expect(await validOf([closed], key)).toBe(0);
  });
});
