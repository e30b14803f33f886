/**
 * Storage contract for `mutate`, the one way to change state: a unit of work, its audit events
 * and its change-log rows commit together or not at all, and only a commit tells the cache.
 */
import type { Kysely, Transaction } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { fail, ok } from '../../src/core/error-codes.js';
import { newId } from '../../src/core/ids.js';
import { mutate, type Actor, type MutationDeps, type UnitOfWork } from '../../src/modules/mutation.js';
import { insertTenant, type TenantRow } from '../../src/modules/tenants/tenants.repository.js';
import type { Change } from '../../src/storage/change-log.js';
import type { Database, Db } from '../../src/storage/database.js';
import { bindAuditKey } from '../../src/modules/audit/audit-mac.js';
import { tenantRowWith } from '../support/rows.js';
import { testDatabases, type IsolatedDatabase } from '../support/databases.js';

const ACTOR: Actor = { keyId: 'key_actor', requestId: 'req_1', sourceIp: '203.0.113.7' };

function tenantRow(now: number, name = 'acme'): TenantRow {
  return tenantRowWith({ id: newId('tenant', now), name, created_at: now, updated_at: now });
}

/** A unit that creates a tenant and records the change; returns the tenant's id. */
async function createTenant(unit: UnitOfWork, name = 'acme'): Promise<string> {
  const row = tenantRow(unit.now, name);
  await insertTenant(unit.trx, row);
  await unit.record({
    action: 'tenant.create',
    tenantId: row.id,
    environmentId: null,
    target: { type: 'tenant', id: row.id },
    op: 'create',
    details: { name },
  });
  return row.id;
}

/** `db`, reporting each transaction once it has committed (its `execute` resolved). */
function reportingCommits(db: Kysely<Database>, onCommit: () => void): Kysely<Database> {
  return new Proxy(db, {
    get(target, property) {
      if (property !== 'transaction') {
        const value: unknown = Reflect.get(target, property);
        // Kysely's methods read private fields, so they must run on the real instance.
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return () => {
        const builder = target.transaction();
        return {
          execute: async <T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> => {
            const value = await builder.execute(work);
            onCommit();
            return value;
          },
        };
      };
    },
  });
}

async function count(db: Db, table: 'tenants' | 'audit_events' | 'change_log'): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n);
}

describe.each(testDatabases())('mutate on $name', (testDb) => {
  let database: IsolatedDatabase;
  let db: Db;
  let committed: Change[][];
  let deps: MutationDeps;
  let notified: number;
  const clock = manualClock();

  beforeEach(async () => {
    database = await testDb.open();
    db = database.storage.db;
    // What buildApp does at start: audit events are sealed under a key bound to the database.
    bindAuditKey(db, Buffer.alloc(32, 7));
    committed = [];
    notified = 0;
    deps = {
      db: database.storage.db,
      clock,
      onCommitted: (changes) => committed.push([...changes]),
      notifyChanges: async (trx) => {
        notified++;
        await database.storage.notifyChanges(trx);
      },
    };
  });
  afterEach(async () => {
    await database.cleanup();
  });

  it('commits a unit that records a change with exactly one audit event and one change-log row', async () => {
    const result = await mutate(deps, ACTOR, async (unit) => ok(await createTenant(unit)));
    expect(result.ok).toBe(true);
    expect(await count(db, 'tenants')).toBe(1);
    expect(await count(db, 'audit_events')).toBe(1);
    expect(await count(db, 'change_log')).toBe(1);
  });

  it('writes the audit event with the actor, the action, the target and the details', async () => {
    const result = await mutate(deps, ACTOR, async (unit) => ok(await createTenant(unit, 'Acme')));
    const tenantId = result.ok ? result.value : '';
    const events = await db.selectFrom('audit_events').selectAll().execute();
    expect(events).toEqual([
      expect.objectContaining({
        tenant_id: tenantId,
        environment_id: null,
        actor_key_id: 'key_actor',
        action: 'tenant.create',
        target_type: 'tenant',
        target_id: tenantId,
        outcome: 'success',
        request_id: 'req_1',
        source_ip: '203.0.113.7',
        details: JSON.stringify({ name: 'Acme' }),
        at: clock.now(),
      }),
    ]);
  });

  it('writes the change-log row naming the changed entity', async () => {
    const result = await mutate(deps, ACTOR, async (unit) => ok(await createTenant(unit)));
    const tenantId = result.ok ? result.value : '';
    const rows = await db.selectFrom('change_log').select(['entity', 'entity_id', 'tenant_id', 'op', 'at']).execute();
    expect(rows).toEqual([
      { entity: 'tenant', entity_id: tenantId, tenant_id: tenantId, op: 'create', at: clock.now() },
    ]);
  });

  it('rolls back a unit that returns a failure: its own writes, its audit events and its change-log rows', async () => {
    const result = await mutate(deps, ACTOR, async (unit) => {
      await createTenant(unit);
      return fail('VALIDATION', 'refused after writing');
    });
    expect(result).toEqual({ ok: false, problem: { code: 'VALIDATION', detail: 'refused after writing' } });
    expect(await count(db, 'tenants')).toBe(0);
    expect(await count(db, 'audit_events')).toBe(0);
    expect(await count(db, 'change_log')).toBe(0);
  });

  it('rolls back a unit that throws, and lets the error through', async () => {
    const boom = new Error('storage broke');
    const run = mutate(deps, ACTOR, async (unit) => {
      await createTenant(unit);
      throw boom;
    });
    await expect(run).rejects.toBe(boom);
    expect(await count(db, 'tenants')).toBe(0);
    expect(await count(db, 'audit_events')).toBe(0);
    expect(await count(db, 'change_log')).toBe(0);
  });

  it('answers CONFLICT for a unit that hits a unique constraint, and changes nothing', async () => {
    const result = await mutate(deps, ACTOR, async (unit) => {
      const row = tenantRow(unit.now);
      await createTenant(unit);
      await insertTenant(unit.trx, row);
      await insertTenant(unit.trx, row);
      return ok(row.id);
    });
    expect(result.ok ? null : result.problem.code).toBe('CONFLICT');
    expect(await count(db, 'tenants')).toBe(0);
    expect(await count(db, 'change_log')).toBe(0);
  });

  it('tells onCommitted every recorded change, in order, once', async () => {
    const result = await mutate(deps, ACTOR, async (unit) =>
      ok([await createTenant(unit, 'a'), await createTenant(unit, 'b')]),
    );
    const [first, second] = result.ok ? result.value : [];
    expect(committed).toEqual([
      [
        { entity: 'tenant', entityId: first, tenantId: first, environmentId: null, op: 'create' },
        { entity: 'tenant', entityId: second, tenantId: second, environmentId: null, op: 'create' },
      ],
    ]);
  });

  it('calls onCommitted only after the transaction has committed', async () => {
    const events: string[] = [];
    deps = {
      ...deps,
      db: reportingCommits(database.storage.db, () => events.push('committed')),
      onCommitted: () => events.push('onCommitted'),
    };
    await mutate(deps, ACTOR, async (unit) => ok(await createTenant(unit)));
    expect(events).toEqual(['committed', 'onCommitted']);
  });

  it('does not call onCommitted for a unit that fails or throws', async () => {
    await mutate(deps, ACTOR, async (unit) => {
      await createTenant(unit);
      return fail('CONFLICT', 'no');
    });
    await mutate(deps, ACTOR, async (unit) => {
      await createTenant(unit);
      throw new Error('no');
    }).catch(() => undefined);
    expect(committed).toEqual([]);
  });

  it('has the storage notify other nodes once for a unit that records changes, and not for one that records none or fails', async () => {
    await mutate(deps, ACTOR, async (unit) => ok([await createTenant(unit, 'a'), await createTenant(unit, 'b')]));
    expect(notified).toBe(1);
    await mutate(deps, ACTOR, async () => ok(null));
    await mutate(deps, ACTOR, async (unit) => {
      await createTenant(unit, 'c');
      return fail('CONFLICT', 'no');
    });
    expect(notified).toBe(1);
  });
});
