/** Storage contract: the change log hands changes out in sequence order, after any point. */
import { beforeEach, describe, expect, it } from 'vitest';
import { appendChange, changesAfter, lastChangeSeq, type Change } from '../../src/storage/change-log.js';
import type { Db } from '../../src/storage/database.js';
import { freshDatabaseEachTest, testDatabases } from '../support/databases.js';

const NOW = Date.UTC(2026, 0, 1);

function change(n: number): Change {
  return {
    entity: 'key',
    entityId: `key_${n}`,
    tenantId: n % 2 === 0 ? `ten_${n}` : null,
    environmentId: n % 2 === 0 ? `env_${n}` : null,
    op: n === 0 ? 'create' : 'update',
  };
}

/** Appends `count` changes, one transaction each, as committed units would. */
async function appendChanges(db: Db, count: number): Promise<Change[]> {
  const changes = Array.from({ length: count }, (_, n) => change(n));
  for (const entry of changes) await appendChange(db, entry, NOW);
  return changes;
}

describe.each(testDatabases())('change log on $name', (testDb) => {
  const fresh = freshDatabaseEachTest(testDb);
  let db: Db;
  beforeEach(() => {
    db = fresh().storage.db;
  });

  it('is empty on a fresh database, at sequence 0', async () => {
    expect(await lastChangeSeq(db)).toBe(0);
    expect(await changesAfter(db, 0, 100)).toEqual([]);
  });

  it('gives every change back, in the order appended, with increasing numeric sequences and its commit time', async () => {
    const appended = await appendChanges(db, 5);
    const rows = await changesAfter(db, 0, 100);
    expect(rows.map(({ seq: _seq, ...rest }) => rest)).toEqual(appended.map((entry) => ({ ...entry, at: NOW })));
    const seqs = rows.map((row) => row.seq);
    for (const seq of seqs) expect(typeof seq).toBe('number');
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(5);
  });

  it('gives only the changes after a given sequence', async () => {
    await appendChanges(db, 5);
    const all = await changesAfter(db, 0, 100);
    const third = all[2]?.seq ?? -1;
    expect(await changesAfter(db, third, 100)).toEqual(all.slice(3));
  });

  it('gives at most the limit, the earliest first', async () => {
    await appendChanges(db, 5);
    const all = await changesAfter(db, 0, 100);
    expect(await changesAfter(db, 0, 2)).toEqual(all.slice(0, 2));
  });

  it('gives nothing after the last sequence', async () => {
    await appendChanges(db, 3);
    expect(await changesAfter(db, await lastChangeSeq(db), 100)).toEqual([]);
  });

  it('reports the highest sequence as the last', async () => {
    await appendChanges(db, 4);
    const seqs = (await changesAfter(db, 0, 100)).map((row) => row.seq);
    expect(await lastChangeSeq(db)).toBe(Math.max(...seqs));
  });

  it('never hands out a change whose transaction rolled back', async () => {
    await appendChanges(db, 1);
    const before = await lastChangeSeq(db);
    await db
      .transaction()
      .execute(async (trx) => {
        await appendChange(trx, change(1), NOW);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await appendChange(db, change(2), NOW);
    expect(await lastChangeSeq(db)).toBeGreaterThan(before);
    expect((await changesAfter(db, before, 100)).map((row) => row.entityId)).toEqual(['key_2']);
  });
});
