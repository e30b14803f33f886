/**
 * Issue 26 item 1 and 2 at scale: a tenant of 100 000 keys, every one of them used over the last
 * 30 days (10 000 of them daily, each other key on one day), and the console's reads timed against
 * it through HTTP: the Keys page's first page, a search by the last 4 characters, by the start of
 * a name and by an id prefix, and the dashboard's analytics (by code per hour over 7 days and per
 * day over 30, the 10 busiest keys over 30 days). The usage is written by the usage recorder's own
 * flush (writeUsageSlice: per-key counts and the tenant's rollups), so analytics reads what a
 * running Keyward would have recorded. Sequential requests on one keep-alive connection over
 * loopback, so each time is the server's answer plus a loopback round trip (≈ 0.1 ms).
 */
import { Agent, request } from 'node:http';
import { sql } from 'kysely';
import { writeUsageSlice } from '../../dist/modules/usage/usage.repository.js';
import { insertKeys } from './keys.mjs';
import { percentile } from './latency.mjs';
import { round } from './load.mjs';
import { call } from './processes.mjs';

export const SEARCH_KEYS = 100_000;
/** Keys used every day; every other key is used on one day of the DAYS. */
const DAILY_KEYS = 10_000;
const DAYS = 30;
const REPEATS = 30;
const BUDGET_MS = 15_000;
const SLICE = 500;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

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

/**
 * 30 days of usage for all `keyIds`, through the recorder's flush in slices of 500 keys: the first
 * DAILY_KEYS every day, each other key on one day; one verify hour a key and day, one key in ten
 * also refused. Answers the per-key day rows written. `owner`: the keys' tenant and environment
 * (`{ tenantId, environmentId }`), which their rollups go to.
 */
async function insertUsage(storage, keyIds, owner) {
  const owners = new Map(keyIds.map((keyId) => [keyId, owner]));
  const now = Date.now();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const hoursToday = Math.floor((now - today) / HOUR_MS) + 1;
  let written = 0;
  for (let day = 0; day < DAYS; day++) {
    const start = today - day * DAY_MS;
    const text = new Date(start).toISOString().slice(0, 10);
    const used = [];
    for (let n = 0; n < keyIds.length; n++) if (n < DAILY_KEYS || n % DAYS === day) used.push(n);
    for (let from = 0; from < used.length; from += SLICE) {
      const days = [];
      const hours = [];
      for (const n of used.slice(from, from + SLICE)) {
        const key_id = keyIds[n];
        const hour = start + (n % (day === 0 ? hoursToday : 24)) * HOUR_MS;
        const counts = n % 10 === 0 ? { FORBIDDEN: 1 + (n % 3), VALID: 1 + (n % 50) } : { VALID: 1 + (n % 50) };
        for (const [code, count] of Object.entries(counts)) {
          days.push({ key_id, day: text, code, count });
          hours.push({ key_id, hour, code, count });
        }
      }
      await writeUsageSlice(storage.db, days, [], [], hours, owners);
      written += days.length;
    }
  }
  return written;
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
  const kept = await insertKeys(storage, pepper, template.id, SEARCH_KEYS, DAILY_KEYS);
  const keyIds = (
    await storage.db.selectFrom('api_keys').select('id').where('tenant_id', '=', tenant.id).orderBy('id').execute()
  ).map(({ id }) => id);
  const usageRows = await insertUsage(storage, keyIds, { tenantId: tenant.id, environmentId: environment.id });
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
    'analytics, by code per hour, 7 days': `/v1/analytics/verifications?${T}&groupBy=code&granularity=hour`,
    'analytics, by code per day, 30 days': `/v1/analytics/verifications?${T}&groupBy=code&granularity=day`,
    'analytics, top 10 keys per day, 30 days': `/v1/analytics/verifications?${T}&groupBy=key&granularity=day&limit=10`,
    'analytics, top 10 keys per hour, 7 days': `/v1/analytics/verifications?${T}&groupBy=key&granularity=hour&limit=10`,
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
  return { keys: SEARCH_KEYS, dailyKeys: DAILY_KEYS, usageRows, seedSeconds, repeats: REPEATS, timings };
}

export function printSearch(title, measured) {
  console.log(
    `\n${title}: ${measured.keys} keys in the tenant, all used (${measured.dailyKeys} daily), ${measured.usageRows} per-key day rows and their rollups (seeded in ${measured.seedSeconds} s), up to ${measured.repeats} sequential requests each`,
  );
  for (const [name, { p50Ms, p99Ms, failed, requests }] of Object.entries(measured.timings))
    console.log(
      failed === undefined
        ? `    ${name.padEnd(42)} p50 ${String(p50Ms).padStart(7)} ms   p99 ${String(p99Ms).padStart(7)} ms (${requests} requests)`
        : `    ${name.padEnd(42)} FAILED: ${failed}`,
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
