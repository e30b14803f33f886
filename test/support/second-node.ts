/**
 * Another node on a suite's database (keywardForSuite's), as a second server behind the same load
 * balancer: its own storage connection, caches and clock, and silent. It follows the first's
 * changes only when a test makes it (its poll is a minute away, its cache trusted for a day), so a
 * test decides what each node has seen.
 */
import { Writable } from 'node:stream';
import type { Clock } from '../../src/core/clock.js';
import { buildApp, type Keyward } from '../../src/http/app.js';
import { loadConfig, type Config } from '../../src/http/config.js';
import { openStorage } from '../../src/storage/open-storage.js';
import type { IsolatedDatabase } from './databases.js';

/** `config`: settings over these (`creditLeaseMs: 0`, say), as the first node was started with. */
export async function secondNode(
  database: IsolatedDatabase,
  clock: Clock,
  config: Partial<Config> = {},
): Promise<Keyward> {
  const storage = await openStorage({
    dataDir: database.dataDir,
    databaseUrl: database.databaseUrl,
    schema: database.schema,
  });
  const settings = loadConfig(
    {},
    {
      dataDir: database.dataDir,
      databaseUrl: database.databaseUrl,
      databaseSchema: database.schema,
      changePollMs: 60_000,
      maxStalenessMs: 86_400_000,
      ...config,
    },
  );
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  return buildApp({ config: settings, storage, clock, logStream: silent });
}

/** One verify of `key` on `node`: its code and the balance it answered (`VALID 9`), as credit suites compare them. */
export async function creditsOn(node: Keyward, key: string): Promise<string> {
  const { code, credits } = (await node.app.inject({ method: 'POST', url: '/v1/verify', payload: { key } })).json();
  return `${code} ${credits?.remaining}`;
}
