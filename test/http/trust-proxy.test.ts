/**
 * X-Forwarded-For is read only from the proxies KEYWARD_TRUST_PROXY names (SPEC §5): a hop count
 * or addresses and CIDRs. `true`, which would believe anyone, is refused at start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/http/config.js';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant, startKeyward, type TestKeyward } from '../support/keyward.js';
import { created } from '../support/problem.js';

/** The source address the audit log recorded for a change made with X-Forwarded-For: 203.0.113.9. */
async function recordedSource(kw: TestKeyward): Promise<string> {
  const seeded = await seedTenant(kw, `Proxy${Math.random().toString(36).slice(2, 8)}`);
  const group = created(
    await seeded.admin.raw({
      method: 'POST',
      path: '/v1/groups',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      payload: '{"name":"g"}',
    }),
  );
  const events = await seeded.admin.get(`/v1/audit?targetId=${group.id}`);
  return events.body.items[0].sourceIp;
}

describe.each(sqliteOnly())('KEYWARD_TRUST_PROXY on $name', (db) => {
  let kw: TestKeyward | undefined;
  afterEach(async () => {
    await kw?.close();
    kw = undefined;
  });

  it('refuses true at start, saying what to give instead', () => {
    expect(() => loadConfig({ KEYWARD_TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ KEYWARD_TRUST_PROXY: 'true' })).toThrow(/hop count|number of proxies/);
  });

  it('takes a hop count or a list of addresses and CIDRs, and refuses anything else', () => {
    expect(loadConfig({ KEYWARD_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ KEYWARD_TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,2001:db8::/32' }).trustProxy).toBe(
      '10.0.0.0/8,192.0.2.7,2001:db8::/32',
    );
    expect(loadConfig({ KEYWARD_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(() => loadConfig({ KEYWARD_TRUST_PROXY: '10.0.0.0/33' })).toThrow(ConfigError);
    expect(() => loadConfig({ KEYWARD_TRUST_PROXY: 'proxy.example' })).toThrow(ConfigError);
  });

  it('ignores a spoofed X-Forwarded-For from a peer that is not a named proxy', async () => {
    // Requests injected in the test come from 127.0.0.1, which is not the proxy named here.
    kw = await startKeyward(db, { config: { trustProxy: loadConfig({ KEYWARD_TRUST_PROXY: '10.0.0.1' }).trustProxy } });
    expect(await recordedSource(kw)).toBe('127.0.0.1');
  });

  it('reads X-Forwarded-For from a named proxy', async () => {
    kw = await startKeyward(db, {
      config: { trustProxy: loadConfig({ KEYWARD_TRUST_PROXY: '127.0.0.1' }).trustProxy },
    });
    expect(await recordedSource(kw)).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For by default', async () => {
    kw = await startKeyward(db);
    expect(await recordedSource(kw)).toBe('127.0.0.1');
  });
});
