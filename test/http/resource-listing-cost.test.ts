/**
 * Issue 11 item 4: a resource listing is an indexed query whose cost does not depend on what
 * other tenants own. Another tenant's 5 000 PUBLIC namespaces, which the listing key cannot
 * discover, change neither the statements a listing runs nor the rows its query returns.
 */
import { type Selectable, sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import { listingCandidates } from '../../src/modules/resources/resource-listing.repository.js';
import type { ResourcesTable } from '../../src/storage/database.js';
import { testDatabases } from '../support/databases.js';
import type { Client } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created } from '../support/problem.js';

const FOREIGN_NAMESPACES = 5_000;

describe.each(testDatabases())('resource listing cost on $name', (db) => {
  let reader: { id: string; client: Client };
  const statements: string[] = [];
  const kw = keywardForSuite(db, { onQuery: (sql) => statements.push(sql) });
  const a = tenantForSuite(kw, 'Alpha');
  const b = tenantForSuite(kw, 'Beta');
  beforeAll(async () => {
    for (const name of ['one', 'two', 'three']) created(await a.admin.post('/v1/resources', { type: 'agent', name }));
    // read-only: agent:viewer and project:viewer, nothing on namespaces.
    const key = created(await a.admin.post('/v1/keys', { name: 'reader', kind: 'application', preset: 'read-only' }));
    reader = { id: key.id, client: kw.client(key.key) };
  });

  /** The statements one listing runs, and the ids it shows. */
  async function listing(): Promise<{ statements: number; ids: string[] }> {
    statements.length = 0;
    const reply = await reader.client.get('/v1/resources?limit=100');
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return { statements: statements.length, ids: reply.body.items.map((item: { id: string }) => item.id) };
  }

  async function addForeignPublicNamespaces(count: number): Promise<void> {
    const now = Date.now();
    const rows: Selectable<ResourcesTable>[] = Array.from({ length: count }, (_, n) => ({
      id: newId('resource', now + n),
      tenant_id: b.tenantId,
      environment_id: b.environmentId,
      type: 'namespace',
      name: `public-${n}`,
      external_id: null,
      parent_id: null,
      visibility: 'PUBLIC',
      value: null,
      metadata: '{}',
      created_by_key_id: b.adminKeyId,
      created_at: now,
      updated_at: now,
    }));
    for (let start = 0; start < rows.length; start += 500)
      await kw.database.storage.db
        .insertInto('resources')
        .values(rows.slice(start, start + 500))
        .execute();
  }

  it("runs the same statements and shows the same page with or without another tenant's PUBLIC rows it cannot discover", async () => {
    await listing(); // the key is now in the verify cache, as it is for the second listing
    const before = await listing();
    expect(before.ids).toHaveLength(3);
    await addForeignPublicNamespaces(FOREIGN_NAMESPACES);
    const after = await listing();
    expect(after).toEqual(before);
  });

  it.runIf(db.name === 'sqlite')(
    'finds every row of the listing through an index, scanning no table of resources',
    async () => {
      let listingSql = '';
      statements.length = 0;
      expect((await reader.client.get('/v1/resources?limit=100')).status).toBe(200);
      listingSql = statements.find((text) => /^with recursive/i.test(text)) ?? '';
      expect(listingSql).not.toBe('');
      // The plan does not depend on the values bound; any text stands in for them.
      const plan = await sql
        .raw<{ detail: string }>(`explain query plan ${listingSql.replace(/\?/g, "'x'")}`)
        .execute(kw.database.storage.db);
      const details = plan.rows.map((row) => row.detail);
      expect(details.filter((detail) => /^SCAN (resources|resource_roles)\b/.test(detail))).toEqual([]);
      expect(details.some((detail) => detail.includes('resources_visibility_type'))).toBe(true);
    },
  );

  it('reads no row of another tenant the key cannot discover as a listing candidate', async () => {
    const rows = await listingCandidates(kw.database.storage.db, {
      reach: {
        environmentId: a.environmentId,
        tenantId: a.tenantId,
        discoverTypes: ['agent', 'project'],
        resourceIds: [],
        principals: [reader.id],
      },
      afterId: null,
      limit: 10_000,
    });
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.filter((row) => row.tenant_id !== a.tenantId)).toEqual([]);
  });
});
