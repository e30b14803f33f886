/**
 * A Redis that goes silent — neither answers nor resets, as a dead route or a full queue — never
 * holds a rate-limited verify (SPEC §6, bounded waits): it falls back as docs/limits.md says
 * within 1 s, and `/readyz`, `/metrics` and the log say Redis is down, once, not once per
 * reconnection attempt; when Redis answers again they say so, once. The node reaches Redis
 * through a proxy the test silences.
 */
import { metricSample } from '../support/metrics.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/http/config.js';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant, startKeyward, type TestKeyward } from '../support/keyward.js';
import { redisAvailable, TEST_REDIS_URL } from '../support/redis.js';
import { tcpProxy, throughProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { sleep, until } from '../support/until.js';

const redis = await redisAvailable();
/** SPEC §6: a rate-limited verify falls back within 1 s when Redis is silent. */
const FALLBACK_BOUND_MS = 1000;
const PER_MINUTE = [{ name: 'per-minute', limit: 100, durationMs: 60_000 }];

/** How long a wait here goes on before the assertion after it judges what was read last. */
const WAIT_MS = 10_000;

describe.skipIf(!redis).each(sqliteOnly())('a silent Redis, on $name', (db) => {
  let proxy: TcpProxy;
  let kw: TestKeyward;
  afterEach(async () => {
    await kw?.close();
    await proxy?.close();
  });

  /** A node whose Redis is behind the proxy, Redis answering, and a key with a rate limit. */
  async function start(config: Partial<Config> = {}): Promise<string> {
    const target = new URL(TEST_REDIS_URL);
    proxy = await tcpProxy(target.hostname, Number(target.port || 6379));
    kw = await startKeyward(db, { config: { redisUrl: throughProxy(TEST_REDIS_URL, proxy.port), ...config } });
    const seeded = await seedTenant(kw);
    const key = await seeded.admin.post('/v1/keys', { name: 'limited', kind: 'application', ratelimits: PER_MINUTE });
    expect(key.status).toBe(201);
    expect((await until(readyz, (reply) => reply.body.redis === 'up', WAIT_MS)).body).toEqual({
      status: 'ready',
      redis: 'up',
    });
    return key.body.key as string;
  }
  const readyz = () => kw.client().get('/readyz');
  const redisUp = async (): Promise<number> =>
    metricSample((await kw.client().get('/metrics')).body as string, 'keyward_redis_up');
  /** Log lines about Redis at warn level (pino's 40) and above, and at info saying it is back. */
  const redisLines = (level: number): string[] =>
    kw
      .logText()
      .split('\n')
      .filter((line) => line.includes(`"level":${level}`) && /redis/i.test(line));
  const timedVerify = async (key: string): Promise<{ body: any; elapsedMs: number }> => {
    const started = Date.now();
    const reply = await kw.client().post('/v1/verify', { key });
    expect(reply.status).toBe(200);
    return { body: reply.body, elapsedMs: Date.now() - started };
  };

  it('falls back to the node’s share within 1 s, says once that Redis is down, and once that it is back', async () => {
    const key = await start();
    expect((await timedVerify(key)).body).toMatchObject({ valid: true, ratelimits: [{ remaining: 99 }] });
    expect(await redisUp()).toBe(1);

    proxy.stall();
    for (let i = 0; i < 5; i++) {
      const verify = await timedVerify(key);
      expect(verify.body).toMatchObject({ valid: true, code: 'VALID' });
      expect(verify.elapsedMs).toBeLessThan(FALLBACK_BOUND_MS);
    }
    expect((await readyz()).body).toEqual({ status: 'ready', redis: 'down' });
    expect(await redisUp()).toBe(0);
    // Several reconnection attempts later, still one line.
    await sleep(4000);
    expect((await timedVerify(key)).elapsedMs).toBeLessThan(FALLBACK_BOUND_MS);
    expect(redisLines(40)).toHaveLength(1);
    expect(redisLines(40)[0]).toMatch(
      /Redis does not answer: rate limits fall back to this node’s share until it does/,
    );

    proxy.restore();
    expect((await until(readyz, (reply) => reply.body.redis === 'up', WAIT_MS)).body).toEqual({
      status: 'ready',
      redis: 'up',
    });
    expect(await redisUp()).toBe(1);
    expect(redisLines(30).filter((line) => /Redis answers again/.test(line))).toHaveLength(1);
    expect(redisLines(40)).toHaveLength(1);
  }, 40_000);

  it('refuses within 1 s where KEYWARD_RATELIMIT_REDIS_DOWN=closed', async () => {
    const key = await start({ rateLimitRedisDown: 'closed' });
    proxy.stall();
    for (let i = 0; i < 3; i++) {
      const verify = await timedVerify(key);
      expect(verify.body).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
      expect(verify.elapsedMs).toBeLessThan(FALLBACK_BOUND_MS);
    }
    expect(
      redisLines(40),
      kw
        .logText()
        .split('\n')
        .filter((l) => /redis/i.test(l))
        .map((l) => l.slice(0, 300))
        .join('\n'),
    ).toHaveLength(1);
    expect(redisLines(40)[0]).toMatch(/rate limits refuse \(RATE_LIMITED, fail-closed\)/);
  }, 30_000);
});
