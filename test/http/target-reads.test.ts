/**
 * Issue 22 item 8: a request reads what it names once. The auth hook reads the target to decide
 * whether the caller may discover it; the gate and the service take that row instead of reading
 * it again. A service that writes still reads the row once more, under its lock.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created } from '../support/problem.js';

/** A read of one row of `table` by its id, locked or not (Kysely's SQL, either database). */
function readsById(table: string): RegExp {
  return new RegExp(`^select \\* from "${table}" where "id" = (\\?|\\$1)( for update)?$`);
}

describe.each(testDatabases())('reads of a request target on $name', (db) => {
  const statements: string[] = [];
  const kw = keywardForSuite(db, { onQuery: (sql) => statements.push(sql) });
  const a = tenantForSuite(kw, 'Alpha');

  /** How many statements `request` ran that read one row of `table` by id. */
  async function countReads(table: string, request: () => Promise<{ status: number; body: unknown }>) {
    statements.length = 0;
    const reply = await request();
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return statements.filter((statement) => readsById(table).test(statement)).length;
  }

  it('reads a key twice for a PATCH: once for the auth hook, service included, and once under its lock', async () => {
    const key = created(await a.admin.post('/v1/keys', { name: 'worker', kind: 'application' }));
    await a.admin.get('/v1/me'); // the admin key is in the verify cache, as for any later call
    expect(await countReads('api_keys', () => a.admin.patch(`/v1/keys/${key.id}`, { name: 'renamed' }))).toBe(2);
    expect(await countReads('api_keys', () => a.admin.get(`/v1/keys/${key.id}`))).toBe(1);
  });

  it('reads a policy once for a GET, though the gate and the service both look at it', async () => {
    const policy = created(
      await a.admin.post('/v1/policies', { name: 'readers', environmentId: a.environmentId, permissions: [] }),
    );
    expect(await countReads('policies', () => a.admin.get(`/v1/policies/${policy.id}`))).toBe(1);
  });

  it('reads a resource once before its PATCH, for the hook and the gate, and once under its lock', async () => {
    const resource = created(await a.admin.post('/v1/resources', { type: 'agent', name: 'one' }));
    expect(await countReads('resources', () => a.admin.patch(`/v1/resources/${resource.id}`, { name: 'two' }))).toBe(2);
  });
});
