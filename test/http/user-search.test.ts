/**
 * Issue 26 item 1, the same search for users: `GET /v1/users?q=` finds people by the start of
 * their name or email, in any case, only in the caller's tenant, paged by cursor, each match
 * answered from an index (migration 0020-key-search).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startsWith } from '../../src/storage/prefix-match.js';
import { userPageQuery } from '../../src/modules/users/users.repository.js';
import { CompiledQuery } from 'kysely';
import { isPostgres } from '../../src/storage/dialect.js';
import { testDatabases } from '../support/databases.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created } from '../support/problem.js';

describe.each(testDatabases())('user search on $name', (db) => {
  const kw = keywardForSuite(db);
  const a = tenantForSuite(kw, 'People');
  const b = tenantForSuite(kw, 'Others');
  beforeAll(async () => {
    for (const [name, email] of [
      ['Grace Hopper', 'grace@people.example'],
      ['Graham Bell', 'gb@people.example'],
      ['Linus', 'lt@kernel.example'],
    ])
      created(await a.admin.post('/v1/users', { name, email }));
    created(await b.admin.post('/v1/users', { name: 'Grace Other', email: 'grace@others.example' }));
  });

  async function names(query: string): Promise<string[]> {
    const reply = await a.admin.get(`/v1/users?${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.items.map((user: { name: string }) => user.name).sort();
  }

  it("finds users by the start of the name or the email, in any case, in the caller's tenant only", async () => {
    expect(await names('q=GRA')).toEqual(['Grace Hopper', 'Graham Bell']);
    expect(await names('q=lt%40')).toEqual(['Linus']);
    expect(await names('q=hopper')).toEqual([]);
  });

  it('pages a search by cursor', async () => {
    const first = await a.admin.get('/v1/users?q=gr&limit=1');
    expect(first.body.items).toHaveLength(1);
    const second = await a.admin.get(`/v1/users?q=gr&limit=1&cursor=${first.body.nextCursor}`);
    expect([first.body.items[0].name, second.body.items[0].name].sort()).toEqual(['Grace Hopper', 'Graham Bell']);
  });

  it('answers the name search from an index', async () => {
    const storage = kw.database.storage.db;
    const compiled = userPageQuery(
      storage,
      { tenantId: a.tenantId, afterId: null, limit: 50 },
      startsWith(storage, 'users.name', 'gra'),
    ).compile();
    const plan = isPostgres(storage)
      ? await storage.transaction().execute(async (trx) => {
          await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
          const rows = await trx.executeQuery<{ 'QUERY PLAN': string }>(
            CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
          );
          return rows.rows.map((row) => row['QUERY PLAN']).join('\n');
        })
      : (
          await storage.executeQuery<{ detail: string }>(
            CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
          )
        ).rows
          .map((row) => row.detail)
          .join('\n');
    expect(plan).toMatch(/users_tenant_name/);
  });
});
