/**
 * `GET /metrics`: Prometheus text, no key needed, with verifies by verdict and their latency by
 * outcome class, management requests' latency by route pattern and status class, the cache hit
 * ratio, storage health, and the node's own state.
 */
import { metricSample } from '../support/metrics.js';
import { describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

describe.each(sqliteOnly())('metrics on $name', (db) => {
  const kw = keywardForSuite(db);

  it('counts verifies by code and shows the caches, the change log and pending usage, without a key', async () => {
    const seeded = await seedTenant(kw, 'Metered');
    const key = await seeded.admin.post('/v1/keys', {
      name: 'k',
      kind: 'application',
      permissions: ['functions.execute'],
    });
    for (let i = 0; i < 3; i++)
      await kw.client().post('/v1/verify', { key: key.body.key, permission: 'functions.execute' });
    await kw.client().post('/v1/verify', { key: key.body.key, permission: 'secrets.manage' });
    await kw.client().post('/v1/verify', { key: key.body.key, permission: 'no.such' });

    const reply = await kw.client().get('/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    const text = reply.body as string;
    expect(metricSample(text, 'keyward_verify_total{code="VALID"}')).toBe(3);
    expect(metricSample(text, 'keyward_verify_total{code="FORBIDDEN"}')).toBe(1);
    expect(metricSample(text, 'keyward_verify_total{code="VALIDATION"}')).toBe(1);
    expect(metricSample(text, 'keyward_key_cache_entries')).toBeGreaterThanOrEqual(1);
    expect(metricSample(text, 'keyward_usage_pending_entries')).toBeGreaterThanOrEqual(2);
    expect(metricSample(text, 'keyward_change_log_staleness_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain(key.body.key);
  });

  it('has a latency histogram of verify by outcome class, every answer in one bucket', async () => {
    const seeded = await seedTenant(kw, 'Timed');
    const key = await seeded.admin.post('/v1/keys', {
      name: 'k',
      kind: 'application',
      permissions: ['functions.execute'],
    });
    const before = await kw.client().get('/metrics');
    const count = (text: string, outcome: string) =>
      metricSample(text, `keyward_verify_duration_seconds_count{outcome="${outcome}"}`);
    await kw.client().post('/v1/verify', { key: key.body.key, permission: 'functions.execute' });
    await kw.client().post('/v1/verify', { key: key.body.key, permission: 'secrets.manage' });
    await kw.client().post('/v1/verify', { key: 'kw_nosuchkeyatall', permission: 'functions.execute' });
    await kw.client().post('/v1/verify', { key: key.body.key, permission: 'no.such' });
    const text = (await kw.client().get('/metrics')).body as string;
    expect(text).toContain('# TYPE keyward_verify_duration_seconds histogram');
    const grew = (outcome: string) => count(text, outcome) - count(before.body as string, outcome);
    expect({
      valid: grew('valid'),
      denied: grew('denied'),
      invalid: grew('invalid'),
      unavailable: grew('unavailable'),
    }).toEqual({
      valid: 1,
      denied: 2,
      invalid: 1,
      unavailable: 0,
    });
    expect(metricSample(text, 'keyward_verify_duration_seconds_bucket{le="+Inf",outcome="valid"}')).toBe(
      count(text, 'valid'),
    );
    expect(metricSample(text, 'keyward_verify_duration_seconds_sum{outcome="valid"}')).toBeGreaterThan(0);
  });

  it('has a latency histogram of management requests by route pattern and status class, never the raw URL', async () => {
    const seeded = await seedTenant(kw, 'Routed');
    const key = await seeded.admin.post('/v1/keys', {
      name: 'k',
      kind: 'application',
      permissions: ['functions.execute'],
    });
    await seeded.admin.get(`/v1/keys/${key.body.id as string}`);
    await seeded.admin.get('/v1/keys/key_00000000000000000000000000');
    const text = (await kw.client().get('/metrics')).body as string;
    expect(text).toContain('# TYPE keyward_http_request_duration_seconds histogram');
    expect(
      metricSample(
        text,
        'keyward_http_request_duration_seconds_count{route="/v1/keys/:id",method="GET",status_class="2xx"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricSample(
        text,
        'keyward_http_request_duration_seconds_count{route="/v1/keys/:id",method="GET",status_class="4xx"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricSample(
        text,
        'keyward_http_request_duration_seconds_count{route="/v1/keys",method="POST",status_class="2xx"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(key.body.id as string);
    expect(text).not.toMatch(/keyward_http_request_duration_seconds\w*\{route="\/v1\/verify"/);
  });

  it('counts key-cache hits and misses, and says storage answers and how fast', async () => {
    const seeded = await seedTenant(kw, 'Cached');
    const key = await seeded.admin.post('/v1/keys', {
      name: 'k',
      kind: 'application',
      permissions: ['functions.execute'],
    });
    const before = (await kw.client().get('/metrics')).body as string;
    kw.keyward.cache.clear();
    for (let i = 0; i < 3; i++) await kw.client().post('/v1/verify', { key: key.body.key });
    const text = (await kw.client().get('/metrics')).body as string;
    const grew = (result: string) =>
      metricSample(text, `keyward_key_cache_lookups_total{result="${result}"}`) -
      (metricSample(before, `keyward_key_cache_lookups_total{result="${result}"}`) || 0);
    expect({ hit: grew('hit'), miss: grew('miss') }).toEqual({ hit: 2, miss: 1 });
    expect(metricSample(text, 'keyward_storage_up')).toBe(1);
    expect(text).toContain('keyward_storage_latency_seconds');
    expect(text).toContain('# TYPE keyward_change_log_lag_seconds histogram');
  });

  it('observes how long after its commit a change was read from the change log', async () => {
    const before = metricSample(
      (await kw.client().get('/metrics')).body as string,
      'keyward_change_log_lag_seconds_count',
    );
    await seedTenant(kw, 'Lagging');
    await kw.keyward.follower.catchUp();
    const text = (await kw.client().get('/metrics')).body as string;
    expect(metricSample(text, 'keyward_change_log_lag_seconds_count')).toBeGreaterThan(before);
    expect(metricSample(text, 'keyward_change_log_lag_seconds_bucket{le="+Inf"}')).toBe(
      metricSample(text, 'keyward_change_log_lag_seconds_count'),
    );
  });
});
