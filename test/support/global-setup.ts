/**
 * Decides once per run whether the PostgreSQL suites run. `KEYWARD_TEST_DATABASE_URL` set
 * (as in CI) makes them required: an unreachable server fails the run. Unset, the usual local
 * server is tried, and if it is not there the suites are skipped with one line saying why.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
    /** What this run's PostgreSQL schemas are named with (test-schemas.ts). */
    testSchemaPrefix: string;
  }
}

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Process-level tests run the built server; build it once, before any of them starts, by the
 * script `npm run build` runs too (tsc, then the run bit on dist/cli/main.js), so they test what a
 * user builds. The UI is built only by the suites that drive it (test/support/ui-build.ts), so unit
 * runs skip Vite.
 */
function buildServer(): void {
  execFileSync('npm', ['run', '--silent', 'build:server'], {
    cwd: resolve(import.meta.dirname, '../..'),
    stdio: 'inherit',
  });
}

/** Drops every schema this run made, once no suite is running. */
async function dropSchemas(url: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      'select nspname from pg_namespace where starts_with(nspname, $1)',
      [prefix],
    );
    for (const { nspname } of rows) await client.query(`drop schema if exists "${nspname}" cascade`);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildServer();
  const required = process.env['KEYWARD_TEST_DATABASE_URL'];
  const url = required ?? LOCAL_URL;
  const failure = await reachable(url);
  if (failure !== null && required !== undefined) {
    throw new Error(`KEYWARD_TEST_DATABASE_URL is set but PostgreSQL does not answer at ${url}: ${failure}`);
  }
  if (failure !== null) {
    process.stdout.write(
      `PostgreSQL suites skipped: no server at ${url} (${failure}); set KEYWARD_TEST_DATABASE_URL to require them.\n`,
    );
  }
  project.provide('postgresUrl', failure === null ? url : null);
  const prefix = `kw_test_${randomBytes(4).toString('hex')}_`;
  project.provide('testSchemaPrefix', prefix);
  return async () => {
    if (failure === null) await dropSchemas(url, prefix);
  };
}
