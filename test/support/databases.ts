/**
 * The databases every storage and HTTP suite runs against: SQLite always, PostgreSQL when the
 * run has one (see global-setup.ts). Each `open()` gives a fresh, isolated database: a new
 * SQLite file in its own directory, or a new PostgreSQL schema dropped at cleanup.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, inject } from 'vitest';
import { newTestSchema } from './test-schemas.js';
import { openStorage, type Storage } from '../../src/storage/open-storage.js';

export interface IsolatedDatabase {
  readonly storage: Storage;
  /** Its own data directory (the SQLite file, pepper and root.key live here). */
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly schema: string | undefined;
  cleanup(): Promise<void>;
}

export interface OpenOptions {
  /** Sees the SQL of every statement run on the database (see `StorageOptions.onQuery`). */
  readonly onQuery?: (sql: string) => void;
}

export interface TestDatabase {
  readonly name: 'sqlite' | 'postgres';
  open(options?: OpenOptions): Promise<IsolatedDatabase>;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'keyward-test-'));
}

const sqlite: TestDatabase = {
  name: 'sqlite',
  async open(options = {}) {
    const dataDir = tempDir();
    const storage = await openStorage({ dataDir, onQuery: options.onQuery });
    return {
      storage,
      dataDir,
      databaseUrl: undefined,
      schema: undefined,
      cleanup: async () => {
        await storage.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

function postgres(url: string): TestDatabase {
  return {
    name: 'postgres',
    async open(options = {}) {
      const dataDir = tempDir();
      const schema = newTestSchema();
      const storage = await openStorage({ databaseUrl: url, dataDir, schema, onQuery: options.onQuery });
      return {
        storage,
        dataDir,
        databaseUrl: url,
        schema,
        // The schema stays until the run ends (test-schemas.ts says why).
        cleanup: async () => {
          await storage.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** SQLite, and PostgreSQL when this run has it. */
export function testDatabases(): TestDatabase[] {
  const url = inject('postgresUrl');
  return url === null ? [sqlite] : [sqlite, postgres(url)];
}

/**
 * SQLite only: the one way a suite opts out of its PostgreSQL run, so the whole suite stays inside
 * CI's budget on two cores (the project rule: "run the heaviest suites on SQLite only"). A suite
 * may take it when its PostgreSQL run proves nothing its SQLite run does not: the behaviour under
 * test is decided above storage (request validation and problem bodies, the OpenAPI document and
 * docs, the model served, the seeds' authorization stories, log and header hygiene, CLI output),
 * and its reads and writes are the plain Kysely statements other suites already run on both.
 * Never for what differs between the databases: concurrency and row locks, change notifications,
 * migrations, the storage contract, the verify cache, credits, the audit chain, unique-constraint
 * and search (LIKE, collation) answers. Say in a comment at the call why the suite qualifies.
 */
export function sqliteOnly(): TestDatabase[] {
  return [sqlite];
}

/**
 * Registers hooks that open a fresh database of `testDb` before each test and clean it up
 * after; call the returned function inside a test (or a later hook) to get it.
 */
export function freshDatabaseEachTest(testDb: TestDatabase): () => IsolatedDatabase {
  let current: IsolatedDatabase | undefined;
  beforeEach(async () => {
    current = await testDb.open();
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new Error('no database: call this inside a test');
    return current;
  };
}
