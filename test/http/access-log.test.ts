/**
 * Verify writes nothing to the log at the default settings (it is the hot path); the access log
 * (`KEYWARD_ACCESS_LOG`) writes one line per answered request, or per sampled one, never a key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/http/config.js';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant, startKeyward, type TestKeyward } from '../support/keyward.js';

describe('KEYWARD_ACCESS_LOG', () => {
  it('is off by default, on with on, and takes a sample rate between', () => {
    expect(loadConfig({}).accessLog).toBe(0);
    expect(loadConfig({ KEYWARD_ACCESS_LOG: 'off' }).accessLog).toBe(0);
    expect(loadConfig({ KEYWARD_ACCESS_LOG: 'on' }).accessLog).toBe(1);
    expect(loadConfig({ KEYWARD_ACCESS_LOG: '0.25' }).accessLog).toBe(0.25);
  });

  it('refuses anything else, naming the variable', () => {
    for (const value of ['yes', '2', '-0.5', '1e-2']) {
      expect(() => loadConfig({ KEYWARD_ACCESS_LOG: value }), value).toThrow(ConfigError);
      expect(() => loadConfig({ KEYWARD_ACCESS_LOG: value }), value).toThrow(/KEYWARD_ACCESS_LOG/);
    }
  });
});

describe.each(sqliteOnly())('the log of verify requests on $name', (db) => {
  let kw: TestKeyward | undefined;
  afterEach(async () => {
    await kw?.close();
    kw = undefined;
  });

  const lines = (from: number, running: TestKeyward): string[] =>
    running
      .logText()
      .slice(from)
      .split('\n')
      .filter((line) => line !== '');

  async function started(accessLog: number) {
    const running = await startKeyward(db, { config: { accessLog } });
    kw = running;
    const seeded = await seedTenant(running, 'Logged');
    const created = await seeded.admin.post('/v1/keys', {
      name: 'svc',
      kind: 'application',
      permissions: ['functions.execute'],
    });
    expect(created.status).toBe(201);
    return { running, key: created.body.key as string };
  }

  it('writes no line for a verify at the default settings, valid key or not', async () => {
    const { running, key } = await started(loadConfig({}).accessLog);
    const from = running.logText().length;
    for (const body of [{ key }, { key, permission: 'functions.execute' }, { key: 'kw_not-a-key' }]) {
      expect((await running.client().post('/v1/verify', body)).status).toBe(200);
    }
    expect(lines(from, running)).toEqual([]);
  });

  it('writes one line per verify with the access log on, with its request id, status and no key', async () => {
    const { running, key } = await started(1);
    const from = running.logText().length;
    const reply = await running.client().post('/v1/verify', { key, permission: 'functions.execute' });
    expect(reply.body.code).toBe('VALID');
    const written = lines(from, running);
    expect(written).toHaveLength(1);
    const line = JSON.parse(written[0] as string) as {
      reqId: string;
      req: { url: string };
      res: { statusCode: number };
      msg: string;
    };
    expect(line).toMatchObject({
      reqId: reply.headers['x-request-id'],
      req: { url: '/v1/verify' },
      res: { statusCode: 200 },
      msg: 'request completed',
    });
    expect(written[0]).not.toContain(key);
    expect(written[0]).not.toContain(key.slice(3, -6));
  });

  it('logs about the share of requests it is told to sample', async () => {
    const { running, key } = await started(0.5);
    const from = running.logText().length;
    for (let i = 0; i < 200; i++) await running.client().post('/v1/verify', { key });
    // 100 expected; outside 50–150 is a chance of about 1 in 10^12 for a fair sample.
    const logged = lines(from, running).length;
    expect(logged).toBeGreaterThan(50);
    expect(logged).toBeLessThan(150);
  });
});
