/**
 * Issue 26 item 1 for resources and the audit log. `GET /v1/resources?q=` finds a resource by the
 * start of its name (any case), the start of its id or its externalId, still showing only what the
 * key may discover, paged by cursor. `GET /v1/audit` narrows by actor, target, action, time range
 * and `q` (an id or an action), newest first by cursor. Each search and filter is answered from an
 * index on both databases: their query plans say so.
 */
import { CompiledQuery, type Selectable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { newId } from '../../src/core/ids.js';
import {
  auditListQuery,
  auditSearchFilters,
  type AuditListFilter,
} from '../../src/modules/audit/audit-list.repository.js';
import { resourceSearchQueries } from '../../src/modules/resources/resource-search.js';
import type { Db, ResourcesTable } from '../../src/storage/database.js';
import { isPostgres } from '../../src/storage/dialect.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Client, type Seeded, type TestKeyward } from '../support/keyward.js';
import { created } from '../support/problem.js';
import { planOf } from '../support/query-plan.js';

const START = Date.UTC(2026, 2, 1);
const clock = manualClock(START);
const HOUR = 3_600_000;

/** Many resources in a tenant, straight into storage: enough that reading them all would cost. */
async function addResources(db: Db, seeded: Seeded, count: number): Promise<void> {
  const rows: Selectable<ResourcesTable>[] = Array.from({ length: count }, (_, n) => ({
    id: newId('resource', START + n),
    tenant_id: seeded.tenantId,
    environment_id: seeded.environmentId,
    type: 'agent',
    name: `bulk ${n}`,
    external_id: `ext-${n}`,
    parent_id: null,
    visibility: 'ENVIRONMENT',
    value: null,
    metadata: '{}',
    created_by_key_id: seeded.adminKeyId,
    created_at: START,
    updated_at: START,
  }));
  for (let start = 0; start < rows.length; start += 500)
    await db
      .insertInto('resources')
      .values(rows.slice(start, start + 500))
      .execute();
  if (isPostgres(db)) await db.executeQuery(CompiledQuery.raw('analyze'));
}

/** Many audit events in a tenant, by many actors on many targets, straight into storage (no chain: only plans are read). */
async function addAuditEvents(db: Db, seeded: Seeded, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, n) => ({
    id: newId('event', START - n * 1000),
    tenant_id: seeded.tenantId,
    environment_id: seeded.environmentId,
    actor_key_id: `key_${String(n % 200).padStart(26, '0')}`,
    action: `bulk.action${n % 40}`,
    target_type: 'key',
    target_id: `key_${String(n % 500).padStart(26, '1')}`,
    outcome: 'success',
    status: 200,
    request_id: null,
    source_ip: null,
    details: '{}',
    at: START - n * 1000,
    chain_id: null,
    chain_seq: null,
    prev_hash: null,
    hash: null,
  }));
  for (let start = 0; start < rows.length; start += 500)
    await db
      .insertInto('audit_events')
      .values(rows.slice(start, start + 500))
      .execute();
}

/** Plans that read a table whole, on either database. */
const SCANS = /^SCAN (resources|audit_events)\b|Seq Scan on (resources|audit_events)\b/m;

describe.each(testDatabases())('resource and audit search on $name', (db) => {
  let kw: TestKeyward;
  let a: Seeded;
  let b: Seeded;
  const ids = new Map<string, string>();
  /** The clock at the start of this database's run (the clock goes on across both). */
  let begin = START;
  beforeAll(async () => {
    begin = clock.now();
    kw = await startKeyward(db, { clock });
    a = await seedTenant(kw, 'Searched');
    b = await seedTenant(kw, 'Other');
    for (const [name, externalId] of [
      ['Billing agent', 'crm-17'],
      ['billing-backup', undefined],
      ['deploy bot', 'CRM-18'],
    ] as const) {
      clock.advance(HOUR);
      const body = { type: 'agent', name, ...(externalId === undefined ? {} : { externalId }) };
      ids.set(name, created(await a.admin.post('/v1/resources', body)).id);
    }
    clock.advance(HOUR);
    created(await b.admin.post('/v1/resources', { type: 'agent', name: 'billing elsewhere' }));
  });
  afterAll(async () => {
    await kw.close();
  });

  async function names(client: Client, query: string): Promise<string[]> {
    const reply = await client.get(`/v1/resources?${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.items.map((item: { name: string }) => item.name);
  }

  it('finds resources by the start of their name in any case, only where the key may discover them', async () => {
    expect(await names(a.admin, 'q=BILL')).toEqual(['Billing agent', 'billing-backup']);
    expect(await names(a.admin, 'q=illing')).toEqual([]);
    expect(await names(b.admin, 'q=bill')).toEqual(['billing elsewhere']);
  });

  it('finds a resource by the start of its id and by its externalId as given', async () => {
    const deploy = ids.get('deploy bot') as string;
    expect(await names(a.admin, `q=${deploy}`)).toEqual(['deploy bot']);
    expect(await names(a.admin, `q=${deploy.slice(0, 20).toUpperCase()}`)).toContain('deploy bot');
    expect(await names(a.admin, 'q=crm-17')).toEqual(['Billing agent']);
    expect(await names(a.admin, 'q=CRM-18')).toEqual(['deploy bot']);
    expect(await names(a.admin, '&q=%20%20')).toHaveLength(3);
  });

  it('pages a search by cursor, each resource once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const reply = await a.admin.get(`/v1/resources?q=b&limit=1${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(reply.status).toBe(200);
      seen.push(...reply.body.items.map((item: { name: string }) => item.name));
      cursor = reply.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['Billing agent', 'billing-backup']);
  });

  async function actions(query: string): Promise<string[]> {
    const reply = await a.admin.get(`/v1/audit?order=desc&${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.items.map((event: { action: string; target: { id: string } | null }) =>
      [event.action, event.target?.id].join(' '),
    );
  }

  it('narrows the audit log by target, actor, action, time range and q, newest first', async () => {
    const billing = ids.get('Billing agent') as string;
    clock.advance(HOUR);
    expect((await a.admin.patch(`/v1/resources/${billing}`, { name: 'Billing agent 2' })).status).toBe(200);
    expect(await actions(`targetId=${billing}`)).toEqual([`resource.update ${billing}`, `resource.create ${billing}`]);
    expect(await actions(`q=${billing}`)).toEqual([`resource.update ${billing}`, `resource.create ${billing}`]);
    expect(await actions(`actorKeyId=${a.adminKeyId}&action=resource.update`)).toEqual([`resource.update ${billing}`]);
    expect(await actions('q=resource.update')).toEqual([`resource.update ${billing}`]);
    // The second resource was made two hours after the start; the third three.
    const from = new Date(begin + 2 * HOUR).toISOString();
    const to = new Date(begin + 3 * HOUR).toISOString();
    expect(await actions(`action=resource.create&from=${from}&to=${to}`)).toEqual([
      `resource.create ${ids.get('deploy bot')}`,
      `resource.create ${ids.get('billing-backup')}`,
    ]);
    expect(await actions(`q=${a.adminKeyId}&action=resource.create&limit=2`)).toHaveLength(2);
  });

  it('pages a filtered audit log by cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const reply = await a.admin.get(
        `/v1/audit?order=desc&action=resource.create&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      expect(reply.status).toBe(200);
      seen.push(...reply.body.items.map((event: { target: { id: string } }) => event.target.id));
      cursor = reply.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['deploy bot', 'billing-backup', 'Billing agent'].map((name) => ids.get(name)));
  });

  it('answers resource searches and audit filters from an index, not by reading the table', async () => {
    const storage = kw.database.storage.db;
    await addAuditEvents(storage, a, 5_000);
    await addResources(storage, a, 3_000);
    const resourcePlans = resourceSearchQueries(
      storage,
      { reach: null, afterId: null, limit: 200 },
      ids.get('deploy bot') as string,
    );
    const plans: Record<string, string> = {};
    for (const [name, query] of resourcePlans) plans[`resource ${name}`] = await planOf(storage, query);
    const filter: AuditListFilter = { tenantId: a.tenantId, newestFirst: true, afterId: null, limit: 50 };
    for (const [name, each] of auditSearchFilters(filter, a.adminKeyId))
      plans[`audit q ${name}`] = await planOf(storage, auditListQuery(storage, each));
    plans['audit q action'] = await planOf(storage, auditListQuery(storage, { ...filter, action: 'key.create' }));
    plans['audit time'] = await planOf(storage, auditListQuery(storage, { ...filter, from: begin, to: begin + HOUR }));
    expect(Object.keys(plans)).toEqual([
      'resource name',
      'resource id',
      'resource externalId',
      'audit q actor',
      'audit q target',
      'audit q action',
      'audit time',
    ]);
    for (const [name, plan] of Object.entries(plans)) expect(plan, `${name}:\n${plan}`).not.toMatch(SCANS);
    const index = (name: string) => (db.name === 'sqlite' ? new RegExp(`INDEX ${name}\\b`) : new RegExp(name));
    expect(plans['resource name']).toMatch(index('resources_name'));
    expect(plans['resource externalId']).toMatch(index('resources_external_id'));
    expect(plans['audit q actor']).toMatch(index('audit_events_tenant_actor'));
    expect(plans['audit q target']).toMatch(index('audit_events_tenant_target'));
    expect(plans['audit q action']).toMatch(index('audit_events_tenant_action'));
    expect(plans['audit time']).toMatch(index('audit_events_tenant_id'));
  });
});
