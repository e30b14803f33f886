/**
 * Issue 26 item 1 and 2 at scale: a tenant of 100 000 keys (10 000 of them used daily over the
 * last 30 days), and the console's reads timed against it through HTTP: the Keys page's first
 * page, a search by the last 4 characters, by the start of a name and by an id prefix, and the
 * dashboard's analytics by code and by key. Sequential requests on one keep-alive connection over
 * loopback, so each time is the server's answer plus a loopback round trip (≈ 0.1 ms).
 */
import { Agent, request } from 'node:http';
import { sql } from 'kysely';
import { insertKeys } from './keys.mjs';
import { percentile } from './latency.mjs';
import { round } from './load.mjs';
import { call } from './processes.mjs';

export const SEARCH_KEYS = 100_000;
const USED_KEYS = 10_000;
const DAYS = 30;
const REPEATS = 30;
const BUDGET_MS = 15_000;
const ROWS_PER_INSERT = 500;

function get(agent, url, key, path) {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${path}: ${res.statusCode} ${text}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** A day's usage for the first USED_KEYS keys: every one verified, one in ten also refused. */
async function insertUsage(storage, keyIds) {
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const rows = [];
  for (let day = 0; day < DAYS; day++) {
    const text = new Date(today - day * 86_400_000).toISOString().slice(0, 10);
    for (const [n, keyId] of keyIds.entries()) {
      rows.push({ key_id: keyId, day: text, code: 'VALID', count: 1 + (n % 50) });
      if (n % 10 === 0) rows.push({ key_id: keyId, day: text, code: 'FORBIDDEN', count: 1 + (n % 3) });
    }
  }
  await storage.db.transaction().execute(async (trx) => {
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT)
      await trx
        .insertInto('key_usage_days')
        .values(rows.slice(start, start + ROWS_PER_INSERT))
        .execute();
  });
  return rows.length;
}

/**
 * Seeds a tenant of SEARCH_KEYS keys on a running Keyward (through `storage`, the same database)
 * and times each read. `analyze`: PostgreSQL's statistics, as autovacuum would have them.
 */
export async function measureSearch(server, storage, pepper, analyze = async () => {}) {
  const tenant = await call(server.url, server.rootKey, 'POST', '/v1/tenants', { name: 'Search bench' });
  const environment = await call(server.url, server.rootKey, 'POST', '/v1/environments', {
    tenantId: tenant.id,
    name: 'prod',
  });
  const template = await call(server.url, server.rootKey, 'POST', '/v1/keys', {
    environmentId: environment.id,
    name: 'template',
    kind: 'application',
  });
  const started = performance.now();
  const kept = await insertKeys(storage, pepper, template.id, SEARCH_KEYS, USED_KEYS);
  const usageRows = await insertUsage(
    storage,
    kept.map(({ id }) => id),
  );
  await analyze();
  const seedSeconds = round((performance.now() - started) / 1000, 1);
  const newest = kept[kept.length - 1];
  const T = `tenantId=${tenant.id}`;
  const reads = {
    'keys, first page (50, newest first)': `/v1/keys?${T}&limit=50`,
    'keys, search by last 4': `/v1/keys?${T}&q=${newest.key.slice(-4)}`,
    'keys, search by name prefix': `/v1/keys?${T}&q=bench-9999`,
    'keys, search by id prefix': `/v1/keys?${T}&q=${newest.id.slice(0, 24)}`,
    'keys, no match': `/v1/keys?${T}&q=zz-nothing`,
    'analytics, 30 days by code': `/v1/analytics/verifications?${T}&groupBy=code&granularity=day`,
    'analytics, 30 days by key': `/v1/analytics/verifications?${T}&groupBy=key&granularity=day`,
  };
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const timings = {};
  try {
    for (const [name, path] of Object.entries(reads)) {
      const times = [];
      try {
        await get(agent, server.url, server.rootKey, path); // the first read warms the statement cache
        // A slow read is timed fewer times (at least 3): the section stays minutes long, not an hour.
        const until = performance.now() + BUDGET_MS;
        for (let n = 0; n < REPEATS && (n < 3 || performance.now() < until); n++) {
          const at = performance.now();
          await get(agent, server.url, server.rootKey, path);
          times.push(performance.now() - at);
        }
      } catch (error) {
        // A read past the storage timeout answers 503: reported as such, the other reads still measured.
        timings[name] = { failed: String(error.message).slice(0, 160), afterRequests: times.length };
        continue;
      }
      times.sort((a, b) => a - b);
      timings[name] = {
        requests: times.length,
        p50Ms: round(percentile(times, 50), 2),
        p99Ms: round(percentile(times, 99), 2),
      };
    }
  } finally {
    agent.destroy();
  }
  return { keys: SEARCH_KEYS, usedKeys: USED_KEYS, usageRows, seedSeconds, repeats: REPEATS, timings };
}

export function printSearch(title, measured) {
  console.log(
    `\n${title}: ${measured.keys} keys in the tenant, ${measured.usageRows} daily usage rows (seeded in ${measured.seedSeconds} s), up to ${measured.repeats} sequential requests each`,
  );
  for (const [name, { p50Ms, p99Ms, failed, requests }] of Object.entries(measured.timings))
    console.log(
      failed === undefined
        ? `    ${name.padEnd(38)} p50 ${String(p50Ms).padStart(7)} ms   p99 ${String(p99Ms).padStart(7)} ms (${requests} requests)`
        : `    ${name.padEnd(38)} FAILED: ${failed}`,
    );
}

/**
 * The `search` section of `npm run bench`: the tenant above on SQLite (the default), then on
 * PostgreSQL when one answers at `databaseUrl` (in a schema of its own, dropped after).
 */
export async function searchSections({ tempDir, pepper, databaseUrl, postgresReachable, startKeyward, openStorage }) {
  const measured = {};
  const dataDir = tempDir();
  const sqlite = await startKeyward({ KEYWARD_DATA_DIR: dataDir, KEYWARD_PEPPER: pepper });
  try {
    const storage = await openStorage({ dataDir });
    try {
      measured.sqlite = await measureSearch(sqlite, storage, pepper);
    } finally {
      await storage.db.destroy();
    }
    printSearch('(h) search and analytics on SQLite', measured.sqlite);
  } finally {
    await sqlite.stop();
  }
  if (!(await postgresReachable())) {
    measured.postgres = { skipped: `no PostgreSQL at ${databaseUrl}` };
    console.log(`    PostgreSQL: skipped, nothing answers at ${databaseUrl} (set BENCH_DATABASE_URL)`);
    return measured;
  }
  const schema = `keyward_search_${Math.random().toString(36).slice(2, 10)}`;
  const env = {
    KEYWARD_DATA_DIR: tempDir(),
    KEYWARD_PEPPER: pepper,
    KEYWARD_DATABASE_URL: databaseUrl,
    KEYWARD_DATABASE_SCHEMA: schema,
  };
  const postgres = await startKeyward(env);
  const storage = await openStorage({ dataDir: tempDir(), databaseUrl, schema });
  try {
    measured.postgres = await measureSearch(postgres, storage, pepper, () => sql`analyze`.execute(storage.db));
    printSearch('(h) search and analytics on PostgreSQL', measured.postgres);
  } finally {
    await postgres.stop();
    await dropSchema(storage, schema);
  }
  return measured;
}

async function dropSchema(storage, schema) {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(storage.db);
  await storage.db.destroy();
}
