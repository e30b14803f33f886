/**
 * A stored row whose JSON or flag columns are not what they hold (a hand edit, a bug) is not cast
 * and misread: the request fails as an internal error, the log names the column, and neither the
 * answer nor the log carries the stored value.
 */
import { describe, expect, it } from 'vitest';
import { metricSample } from '../support/metrics.js';
import { testDatabases } from '../support/databases.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';

describe.each(testDatabases())('corrupt columns on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Corrupt');

  const storeKey = async () => {
    const made = await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', metadata: { team: 'a' } });
    expect(made.status).toBe(201);
    return made.body.id as string;
  };

  it('answers 500 INTERNAL for a key whose metadata is not JSON, and logs the column, not the value', async () => {
    const id = await storeKey();
    await kw.database.storage.db
      .updateTable('api_keys')
      .set({ metadata: '{"private-note":' })
      .where('id', '=', id)
      .execute();
    const read = await seeded.admin.get(`/v1/keys/${id}`);
    expect(read.status).toBe(500);
    expect(read.body.code).toBe('INTERNAL');
    expect(JSON.stringify(read.body)).not.toContain('private-note');
    expect(kw.logText()).toContain('stored api_keys.metadata is not readable: not JSON');
    expect(kw.logText()).not.toContain('private-note');
  });

  it('answers 500 INTERNAL for a key whose group ids are not a list of ids, or whose flag is neither 0 nor 1', async () => {
    const listed = await storeKey();
    await kw.database.storage.db
      .updateTable('api_keys')
      .set({ group_ids: '{"grp":1}' })
      .where('id', '=', listed)
      .execute();
    expect((await seeded.admin.get(`/v1/keys/${listed}`)).status).toBe(500);
    expect(kw.logText()).toContain('stored api_keys.group_ids is not readable');

    const flagged = await storeKey();
    await kw.database.storage.db.updateTable('api_keys').set({ enabled: 7 }).where('id', '=', flagged).execute();
    expect((await seeded.admin.get(`/v1/keys/${flagged}`)).status).toBe(500);
    expect(kw.logText()).toContain('stored api_keys.enabled is not readable: a flag is 0 or 1');
  });

  // Storage answered, with a row it cannot read: no other node would answer better, so not 503.
  it('answers a verify of a key whose metadata is not JSON with 500 INTERNAL, logging the key id and never the value', async () => {
    const made = await seeded.admin.post('/v1/keys', { name: 'noted', kind: 'application', metadata: { team: 'a' } });
    expect(made.status).toBe(201);
    await kw.database.storage.db
      .updateTable('api_keys')
      .set({ metadata: '{"private-note":' })
      .where('id', '=', made.body.id)
      .execute();
    const timedErrors = async () =>
      metricSample(
        (await kw.client().get('/metrics')).body as string,
        'keyward_verify_duration_seconds_count{outcome="error"}',
      );
    const timedBefore = await timedErrors();
    const verified = await kw.client().post('/v1/verify', { key: made.body.key });
    expect(verified.status).toBe(500);
    // Timed under its own outcome, so a dashboard of verify latency does not lose its 500s.
    expect((await timedErrors()) - timedBefore).toBe(1);
    expect(verified.headers['content-type']).toContain('application/problem+json');
    expect(verified.body.code).toBe('INTERNAL');
    expect(JSON.stringify(verified.body)).not.toContain('private-note');
    const line = kw
      .logText()
      .split('\n')
      .find((entry) => entry.includes(`key ${made.body.id} has corrupt stored data`));
    expect(line).toContain('api_keys.metadata: not JSON');
    expect(line).not.toContain('could not reach storage');
    expect(kw.logText()).not.toContain('private-note');
    expect(kw.logText()).not.toContain(made.body.key);
  });

  it('answers a verify of a key whose IP allowlist is not JSON with 500 INTERNAL naming the key and column, never the list', async () => {
    const made = await seeded.admin.post('/v1/keys', {
      name: 'fenced',
      kind: 'application',
      ipAllowlist: ['10.0.0.0/8'],
    });
    expect(made.status).toBe(201);
    await kw.database.storage.db
      .updateTable('api_keys')
      // JSON.parse's own message would quote it: `Unexpected token 'p', ..."0.0.0/8", private-ra"...`.
      .set({ ip_allowlist: '["10.0.0.0/8", private-range]' })
      .where('id', '=', made.body.id)
      .execute();
    const verified = await kw.client().post('/v1/verify', { key: made.body.key });
    expect(verified.status).toBe(500);
    expect(verified.body.code).toBe('INTERNAL');
    expect(JSON.stringify(verified.body)).not.toContain('private-ra');
    expect(kw.logText()).toContain(`key ${made.body.id} has corrupt stored data (api_keys.ip_allowlist: not JSON)`);
    expect(kw.logText()).not.toContain('private-ra');
  });

  it("answers 500 INTERNAL for a tenant's settings whose MFA flag is neither 0 nor 1, naming the column", async () => {
    await kw.database.storage.db
      .updateTable('tenants')
      .set({ mfa_required: 5 })
      .where('id', '=', seeded.tenantId)
      .execute();
    const read = await kw.root.get(`/v1/environments/${seeded.environmentId}`);
    expect(read.status).toBe(500);
    expect(kw.logText()).toContain('stored tenants.mfa_required is not readable: a flag is 0 or 1');
    await kw.database.storage.db
      .updateTable('tenants')
      .set({ mfa_required: 0 })
      .where('id', '=', seeded.tenantId)
      .execute();
  });
});
