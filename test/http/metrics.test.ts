/** `GET /metrics`: Prometheus text, no key needed, with verifies by verdict and the node's own state. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant, startKeyward, type TestKeyward } from '../support/keyward.js';

describe.each(sqliteOnly())('metrics on $name', (db) => {
  let kw: TestKeyward;
  beforeAll(async () => {
    kw = await startKeyward(db);
  });
  afterAll(async () => {
    await kw.close();
  });

  const sample = (text: string, name: string): number => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`));
    return line === undefined ? Number.NaN : Number(line.split(' ').pop());
  };

  it('counts verifies by code and shows the caches, the change log and pending usage, without a key', async () => {
    const seeded = await seedTenant(kw, 'Metered');
    const key = await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application', permissions: ['functions.execute'] });
    for (let i = 0; i < 3; i++) await kw.client().post('/v1/verify', { key: key.body.key, permission: 'functions.execute' });
    await kw.client().post('/v1/verify', { key: key.body.key, permission: 'secrets.manage' });
    await kw.client().post('/v1/verify', { key: key.body.key, permission: 'no.such' });

    const reply = await kw.client().get('/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    const text = reply.body as string;
    expect(sample(text, 'keyward_verify_total{code="VALID"}')).toBe(3);
    expect(sample(text, 'keyward_verify_total{code="FORBIDDEN"}')).toBe(1);
    expect(sample(text, 'keyward_verify_total{code="VALIDATION"}')).toBe(1);
    expect(sample(text, 'keyward_key_cache_entries')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'keyward_usage_pending_entries')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'keyward_change_log_staleness_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain(key.body.key);
  });
});
