/**
 * Issue 26 item 6, duplicate tenant names: a tenant named like another, case and surrounding
 * spaces aside, is refused on create and on rename with 409 CONFLICT naming the `name` field; a
 * tenant keeps its own name through other changes and may change its name's case.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { expectProblem } from '../support/problem.js';
import { keywardForSuite } from '../support/suite-keyward.js';

describe.each(testDatabases())('tenant names on $name', (db) => {
  const kw = keywardForSuite(db);
  const create = (name: string) => kw.root.post('/v1/tenants', { name });

  it('refuses a second tenant of the same name, whatever its case or spacing', async () => {
    expect((await create('Initech')).status).toBe(201);
    for (const name of ['Initech', 'INITECH', '  initech ']) {
      const reply = await create(name);
      expectProblem(reply, 409, 'CONFLICT');
      expect(reply.body.field).toBe('name');
      expect(reply.body.detail).toMatch(/already exists/);
    }
    const list = await kw.root.get('/v1/tenants?limit=100');
    const named = list.body.items.filter((tenant: { name: string }) => tenant.name.trim().toLowerCase() === 'initech');
    expect(named).toHaveLength(1);
  });

  it("refuses renaming a tenant to another's name, and lets it keep or recase its own", async () => {
    const hooli = (await create('Hooli')).body;
    const piper = (await create('Pied Piper')).body;
    const taken = await kw.root.patch(`/v1/tenants/${piper.id}`, { name: 'hooli' });
    expectProblem(taken, 409, 'CONFLICT');
    expect(taken.body.field).toBe('name');
    expect((await kw.root.get(`/v1/tenants/${piper.id}`)).body.name).toBe('Pied Piper');
    expect((await kw.root.patch(`/v1/tenants/${hooli.id}`, { name: 'Hooli', rotationWindowDays: 7 })).status).toBe(200);
    const recased = await kw.root.patch(`/v1/tenants/${hooli.id}`, { name: 'HOOLI' });
    expect(recased.status).toBe(200);
    expect(recased.body.name).toBe('HOOLI');
    // The old name is free once a tenant leaves it.
    expect((await kw.root.patch(`/v1/tenants/${piper.id}`, { name: 'Raviga' })).status).toBe(200);
    expect((await create('Pied Piper')).status).toBe(201);
  });
});
