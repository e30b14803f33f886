/** Storage contract: migrations bring every database to the same, latest schema, once. */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import { migrations } from '../../src/storage/migrations/index.js';
import { migrateToLatest } from '../../src/storage/open-storage.js';
import { SCHEMA_TABLES } from '../../src/storage/database.js';
import { testDatabases, type IsolatedDatabase } from '../support/databases.js';

const TABLES = SCHEMA_TABLES;

/**
 * The tables in the database, Kysely's migration tables and SQLite's own left out. Read from this
 * database's own catalog: Kysely's introspection reads every schema's, and fails when another run
 * drops one at that instant.
 */
async function tablesIn(database: IsolatedDatabase): Promise<string[]> {
  const query =
    database.schema === undefined
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table'`
      : sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = ${database.schema} and table_type = 'BASE TABLE'`;
  const { rows } = await query.execute(database.storage.db);
  return rows.map((row) => row.name).filter((name) => !name.startsWith('kysely_') && !name.startsWith('sqlite_'));
}

describe.each(testDatabases())('migrations on $name', (testDb) => {
  let database: IsolatedDatabase;
  const migrator = (): Migrator =>
    new Migrator({
      db: database.storage.migrationDb,
      provider: { getMigrations: migrations },
      migrationTableSchema: database.schema,
    });

  beforeEach(async () => {
    database = await testDb.open();
  });
  afterEach(async () => {
    await database.cleanup();
  });

  it('bring a fresh database to the latest version', async () => {
    const applied = await migrator().getMigrations();
    expect(applied.map((m) => m.name)).toEqual(Object.keys(await migrations()));
    for (const migration of applied) expect(migration.executedAt, migration.name).toBeInstanceOf(Date);
  });

  // Read from the folder (migrations/index.ts): a file there the loader would pass over (a name
  // not `NNNN-name.ts`) would be a migration that never runs.
  it('run every file of the migrations folder, in name order', async () => {
    const files = readdirSync(resolve(import.meta.dirname, '../../src/storage/migrations'))
      .filter((file) => file !== 'index.ts')
      .map((file) => file.replace(/\.ts$/, ''))
      .sort();
    expect(files[0]).toBe('0001-initial');
    expect((await migrator().getMigrations()).map((m) => m.name)).toEqual(files);
  });

  it('create every table of the schema and no other', async () => {
    expect((await tablesIn(database)).sort()).toEqual([...TABLES].sort());
  });

  it('create every table of the schema empty', async () => {
    for (const table of TABLES) {
      const row = await database.storage.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      expect(Number(row?.n), table).toBe(0);
    }
  });

  it('run nothing when run again', async () => {
    const { error, results } = await migrator().migrateToLatest();
    expect(error).toBeUndefined();
    expect(results).toEqual([]);
  });

  it('keep the data when run again', async () => {
    const db = database.storage.db;
    await db.insertInto('instance_settings').values({ name: 'probe', value: 'kept' }).execute();
    await migrateToLatest(db, database.schema);
    expect(await db.selectFrom('instance_settings').selectAll().execute()).toEqual([{ name: 'probe', value: 'kept' }]);
  });

  it('bring a second database up next to a first (on PostgreSQL: another schema of the same database)', async () => {
    const second = await testDb.open();
    try {
      const applied = await new Migrator({
        db: second.storage.db,
        provider: { getMigrations: migrations },
        migrationTableSchema: second.schema,
      }).getMigrations();
      for (const migration of applied) expect(migration.executedAt, migration.name).toBeInstanceOf(Date);
    } finally {
      await second.cleanup();
    }
  });
});
