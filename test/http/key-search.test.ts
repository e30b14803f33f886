/**
 * Issue 26 item 1: `GET /v1/keys?q=&status=&kind=&userId=&sort=` searches on the server. `q` finds
 * a key by the last 4 characters of its secret, the start of its id, the start of its name, or the
 * start of its owner's name or email; every search pages by cursor, newest first unless told, and
 * the hint and name searches are answered from an index on both databases (their query plans say so).
 */
import { CompiledQuery } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { keySearchQueries } from '../../src/modules/keys/key-search.repository.js';
import { insertKeys, pageOf, type KeyListFilter } from '../../src/modules/keys/keys.repository.js';
import type { Db } from '../../src/storage/database.js';
import { isPostgres } from '../../src/storage/dialect.js';
import { newId } from '../../src/core/ids.js';
import { testDatabases } from '../support/databases.js';
import { keyRowWith } from '../support/rows.js';
import type { Client, Seeded } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created } from '../support/problem.js';
import { planOf } from '../support/query-plan.js';

const START = Date.UTC(2026, 2, 1);
const clock = manualClock(START);
/** Keys made a second apart, so that "newest first" has one answer. */
async function make(client: Client, body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  clock.advance(1000);
  return created(await client.post('/v1/keys', body));
}

interface Made {
  readonly id: string;
  readonly key: string;
  readonly name: string;
}

/** Many keys in a tenant, straight into storage: enough rows that reading them all would cost. */
async function addKeys(db: Db, seeded: Seeded, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, n) =>
    keyRowWith({
      id: newId('key', START + n),
      key_hash: `bulk-${seeded.tenantId}-${n}`,
      tenant_id: seeded.tenantId,
      environment_id: seeded.environmentId,
      name: `bulk ${n}`,
      hint: n.toString(36).padStart(4, '0'),
    }),
  );
  for (let start = 0; start < rows.length; start += 500) await insertKeys(db, rows.slice(start, start + 500));
  // PostgreSQL's autovacuum keeps statistics of a table this size; SQLite has none unless told to
  // gather them, which Keyward never does: each plan is read as production would make it.
  if (isPostgres(db)) await db.executeQuery(CompiledQuery.raw('analyze'));
}

describe.each(testDatabases())('key search on $name', (db) => {
  let bob: string;
  const made: Made[] = [];
  const kw = keywardForSuite(db, { clock });
  const a = tenantForSuite(kw, 'Searched');
  const b = tenantForSuite(kw, 'Other');
  beforeAll(async () => {
    bob = created(
      await a.admin.post('/v1/users', { name: 'Bob Stone', email: 'bob@searched.example', role: 'member' }),
    ).id;
    const specs = [
      { name: 'billing-worker', kind: 'application' },
      { name: 'Billing export', kind: 'application' },
      { name: 'deploy bot', kind: 'application' },
      { name: 'laptop', kind: 'user', userId: bob },
      { name: '100%_done', kind: 'application' },
    ];
    for (const spec of specs) {
      const key = await make(a.admin, spec);
      made.push({ id: key.id, key: key.key, name: spec.name });
    }
    // Another tenant's key with a name the first tenant searches for.
    await make(b.admin, { name: 'billing-worker', kind: 'application' });
  });

  const byName = (name: string) => made.find((key) => key.name === name) as Made;
  async function names(client: Client, query: string): Promise<string[]> {
    const reply = await client.get(`/v1/keys?${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.items.map((key: { name: string }) => key.name);
  }

  it('lists newest first unless asked for the oldest first', async () => {
    expect(await names(a.admin, 'kind=application')).toEqual([
      '100%_done',
      'deploy bot',
      'Billing export',
      'billing-worker',
    ]);
    expect(await names(a.admin, 'kind=application&sort=oldest')).toEqual([
      'billing-worker',
      'Billing export',
      'deploy bot',
      '100%_done',
    ]);
  });

  it("finds a key by the last 4 characters of its secret, with or without the '…' shown before them", async () => {
    const laptop = byName('laptop');
    expect(await names(a.admin, `q=${laptop.key.slice(-4)}`)).toContain('laptop');
    expect(await names(a.admin, `q=${encodeURIComponent(`…${laptop.key.slice(-4)}`)}`)).toContain('laptop');
  });

  it('finds keys by the start of their name, in any case, and only in the caller’s tenant', async () => {
    expect(await names(a.admin, 'q=BILL')).toEqual(['Billing export', 'billing-worker']);
    expect(await names(a.admin, 'q=illing')).toEqual([]);
    expect(await names(b.admin, 'q=bill')).toEqual(['billing-worker']);
  });

  it('takes % and _ in a search literally', async () => {
    expect(await names(a.admin, `q=${encodeURIComponent('100%_')}`)).toEqual(['100%_done']);
    expect(await names(a.admin, `q=${encodeURIComponent('%')}`)).toEqual([]);
  });

  it('finds a key by the start of its id', async () => {
    const deploy = byName('deploy bot');
    expect(await names(a.admin, `q=${deploy.id}`)).toEqual(['deploy bot']);
    expect(await names(a.admin, `q=${deploy.id.slice(0, 28).toUpperCase()}`)).toContain('deploy bot');
  });

  it("finds a user's keys by the start of the owner's name or email, and by userId", async () => {
    expect(await names(a.admin, 'q=bob%20st')).toEqual(['laptop']);
    expect(await names(a.admin, 'q=bob@')).toEqual(['laptop']);
    expect(await names(a.admin, `userId=${bob}`)).toEqual(['laptop']);
  });

  it('filters by status, and a search by status and kind together', async () => {
    const worker = byName('billing-worker');
    expect((await a.admin.patch(`/v1/keys/${worker.id}`, { enabled: false })).status).toBe(200);
    expect(await names(a.admin, 'status=disabled')).toEqual(['billing-worker']);
    expect(await names(a.admin, 'q=bill&status=active')).toEqual(['Billing export']);
    expect(await names(a.admin, 'q=bill&kind=user')).toEqual([]);
    expect((await a.admin.post(`/v1/keys/${worker.id}/revoke`)).status).toBe(200);
    expect(await names(a.admin, 'status=revoked')).toEqual(['billing-worker']);
    expect(await names(a.admin, 'status=disabled')).toEqual([]);
  });

  it('pages a search by cursor, each key once, in order', async () => {
    for (let n = 0; n < 5; n += 1) await make(a.admin, { name: `paged ${n}`, kind: 'application' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const reply = await a.admin.get(`/v1/keys?q=paged&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(reply.status).toBe(200);
      seen.push(...reply.body.items.map((key: { name: string }) => key.name));
      cursor = reply.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['paged 4', 'paged 3', 'paged 2', 'paged 1', 'paged 0']);
  });

  it('refuses an unknown status or sort and another tenant’s user with the field named', async () => {
    const status = await a.admin.get('/v1/keys?status=lost');
    expect(status.status).toBe(400);
    expect(status.body.code).toBe('VALIDATION');
    expect((await a.admin.get('/v1/keys?sort=name')).status).toBe(400);
    expect((await a.admin.get(`/v1/keys?userId=${b.adminUserId}`)).status).toBe(404);
  });

  it("answers the hint, name and owner searches from an index, not by reading the tenant's keys", async () => {
    const storage = kw.database.storage.db;
    await addKeys(storage, a, 3_000);
    const filter: KeyListFilter = { tenantId: a.tenantId, afterId: null, limit: 50 };
    const query = (q: string, owners: string[], which: string) => {
      const found = keySearchQueries(storage, filter, q, owners).get(which);
      if (found === undefined) throw new Error(`no ${which} query for ${q}`);
      return pageOf(found, filter);
    };
    const plans = {
      hint: await planOf(storage, query(byName('laptop').key.slice(-4), [], 'hint')),
      name: await planOf(storage, query('Bill', [], 'name')),
      owner: await planOf(storage, query('bob', [bob], 'owner')),
    };
    if (db.name === 'sqlite') {
      for (const plan of Object.values(plans)) expect(plan).not.toMatch(/^SCAN (api_keys|users)\b/m);
      expect(plans.hint).toMatch(/api_keys_hint|api_keys_tenant_name/);
      expect(plans.name).toMatch(/USING INDEX api_keys_tenant_name/);
      expect(plans.owner).toMatch(/USING INDEX api_keys_user_(id|tenant)/);
    } else {
      for (const plan of Object.values(plans)) expect(plan).not.toMatch(/Seq Scan on (api_keys|users)\b/);
      expect(plans.hint).toMatch(/Index Cond: .*hint/);
      expect(plans.name).toMatch(/Index Cond: .*lower\(name\) ~>=~/);
      expect(plans.owner).toMatch(/Index Cond: .*user_id/);
    }
  });
});
