/**
 * Issue 21: a tenant's `timeZone` is checked against the runtime's own list of zones and stored
 * under the list's spelling, and the formatters behind it live in bounded maps, so no stream of
 * requests grows memory (2 000 refused PATCHes grew a node by 57 MiB when each distinct name
 * Intl accepted kept a formatter).
 */
import { describe, expect, it } from 'vitest';
import { ALIAS_LIMIT, FORMATTER_LIMIT, timeZoneCacheSizes } from '../../src/core/time-zones.js';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';

const LISTED = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

/** `America/New_York` with the letters whose bit is set in `n` upper-cased: Intl reads every one as New York. */
function caseVariant(zone: string, n: number): string {
  return [...zone].map((char, i) => ((n >> i) & 1 ? char.toUpperCase() : char.toLowerCase())).join('');
}

/** A name Intl resolves without complaint to a zone that is not in the runtime's list (Etc/GMT+12 on Node 20). */
function unlistedButAccepted(): string | undefined {
  return ['Etc/GMT+12', 'Etc/GMT-14', 'EST', 'MST', 'HST', 'Etc/GMT+5'].find((name) => {
    try {
      return !LISTED.has(new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone);
    } catch {
      return false;
    }
  });
}

// SQLite only (databases.ts): a zone is checked against the runtime's list and stored as text.
describe.each(sqliteOnly())('tenant time zones on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Zoned');

  it('stores a name in any letter case under the spelling of the list', async () => {
    const created = await kw.root.post('/v1/tenants', { name: 'Lower case zone', timeZone: 'america/new_york' });
    expect(created.status).toBe(201);
    expect(created.body.timeZone).toBe('America/New_York');
    const patched = await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { timeZone: 'EUROPE/BERLIN' });
    expect(patched.status).toBe(200);
    expect((await seeded.admin.get(`/v1/tenants/${seeded.tenantId}`)).body.timeZone).toBe('Europe/Berlin');
  });

  it('stores an alias as the listed zone it stands for', async () => {
    const patched = await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { timeZone: 'US/Eastern' });
    expect(patched.status).toBe(200);
    expect(LISTED.has(patched.body.timeZone), patched.body.timeZone).toBe(true);
  });

  it('refuses a zone Intl accepts but the runtime does not list, with 400 VALIDATION', async () => {
    const name = unlistedButAccepted();
    expect(name, 'this runtime lists every candidate: pick another').toBeDefined();
    const reply = await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { timeZone: name });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'timeZone' });
  });

  it('refuses a name that is no zone, with 400 VALIDATION naming it', async () => {
    const reply = await kw.root.post('/v1/tenants', { name: 'Nowhere', timeZone: 'Mars/Olympus' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'timeZone' });
    expect(reply.body.detail ?? reply.body.message).toContain('Mars/Olympus');
  });
});

describe.each(sqliteOnly())('a flood of time-zone names on $name', (db) => {
  const kw = keywardForSuite(db);

  it('2 000 refused PATCHes with distinct names keep the time-zone caches within their limits', async () => {
    const seeded = await seedTenant(kw, 'Flooded');
    const codes = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      // A third each: names that are no zone, case variants of a zone (refused by another field), and case variants of an alias.
      const body =
        i % 3 === 0
          ? { timeZone: `Mars/Olympus_${i}` }
          : {
              timeZone: caseVariant(i % 3 === 1 ? 'America/New_York' : 'US/Eastern', i),
              defaultKeyExpiryDays: 30,
              maxKeyExpiryDays: 10,
            };
      const reply = await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, body);
      expect(reply.status).toBe(400);
      codes.add(reply.body.code);
    }
    expect([...codes]).toEqual(['VALIDATION']);
    const sizes = timeZoneCacheSizes();
    expect(sizes.formatters).toBeLessThanOrEqual(FORMATTER_LIMIT);
    expect(sizes.aliases).toBeLessThanOrEqual(ALIAS_LIMIT);
    // Case variants of one alias are one alias.
    expect(sizes.aliases).toBeLessThanOrEqual(1);
  });
});
