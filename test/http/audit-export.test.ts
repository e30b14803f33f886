/**
 * Issue 26 item 6: a filtered audit view exported as CSV or JSON: every matching event (across
 * pages), the names beside the ids, formula-looking cells defused, a bad filter a 400 problem,
 * and only the caller's tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';
import { csvField } from '../../src/modules/audit/audit-export.js';

describe.each(testDatabases())('audit export on $name', (db) => {
  let kw: TestKeyward;
  let seeded: Seeded;
  let keyId: string;
  beforeAll(async () => {
    kw = await startKeyward(db);
    seeded = await seedTenant(kw, 'Exported');
    const made = await seeded.admin.post('/v1/keys', { name: '=cmd|calc', kind: 'application' });
    keyId = made.body.id;
    // 120 changes: more than one page of the list (100 at most), so the export walks pages.
    for (let n = 0; n < 60; n++) {
      await seeded.admin.patch(`/v1/keys/${keyId}`, { enabled: false });
      await seeded.admin.patch(`/v1/keys/${keyId}`, { enabled: true });
    }
  }, 120_000);
  afterAll(async () => {
    await kw.close();
  });

  async function exported(query: string) {
    const reply = await kw.keyward.app.inject({
      method: 'GET',
      url: `/v1/audit/export?${query}`,
      headers: { authorization: `Bearer ${seeded.adminKey}` },
    });
    return reply;
  }

  it('exports every event of a filter as CSV, past the first page, with the names beside the ids', async () => {
    const reply = await exported(`targetId=${keyId}&action=key.disabled`);
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(reply.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = reply.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'at,action,outcome,status,actor,actorKeyId,targetType,targetId,targetName,environmentId,requestId,sourceIp,details',
    );
    expect(lines).toHaveLength(61);
    expect(lines[1]).toContain(`,key.disabled,success,200,admin,${seeded.adminKeyId},key,${keyId},'=cmd|calc,`);
  });

  it('exports the same view as a JSON array', async () => {
    const reply = await exported(`targetId=${keyId}&format=json&order=desc`);
    expect(reply.statusCode).toBe(200);
    const events = JSON.parse(reply.body);
    expect(events).toHaveLength(121);
    expect(events[0]).toMatchObject({
      action: 'key.enabled',
      actorName: 'admin',
      target: { id: keyId },
      targetName: '=cmd|calc',
    });
    expect(events[120]).toMatchObject({ action: 'key.create' });
  });

  it('answers a bad filter with a 400 problem, before any file', async () => {
    const reply = await exported('from=2024-13-45T00:00:00Z');
    expect(reply.statusCode).toBe(400);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.json()).toMatchObject({ code: 'VALIDATION' });
  });

  it("exports none of another tenant's events", async () => {
    const other = await seedTenant(kw, 'Elsewhere');
    const reply = await kw.keyward.app.inject({
      method: 'GET',
      url: `/v1/audit/export?format=json&targetId=${keyId}`,
      headers: { authorization: `Bearer ${other.adminKey}` },
    });
    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body)).toEqual([]);
  });
});

describe('CSV fields', () => {
  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('-1+1')).toBe("'-1+1");
    expect(csvField(null)).toBe('');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
  });
});
