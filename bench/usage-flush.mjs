/**
 * `node bench/usage-flush.mjs` (after `npm run build:server`): what one usage flush of 10 000 keys
 * costs the node (issue 27). Keyward is built in this process on a throw-away SQLite data dir (or,
 * with BENCH_DATABASE_URL, a throw-away PostgreSQL schema); 10 000 keys are inserted, each gets one
 * VALID verify in a usage recorder over the real store, and the recorder is flushed, again and again:
 * the first flush inserts rows, the later ones (the steady state of a running node) update them.
 * Per flush: the process's CPU ms (user + system) and wall ms, in flushes of their own; and the
 * longest the event loop went without a turn (a verify waits that long), measured by a ticker in
 * other flushes, as the ticker's own turns would count as CPU. Prints medians and ranges, one JSON line.
 * BENCH_DIST points at another build (say, the code before a change) to measure it the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { rootCalls } from './lib/root-calls.mjs';

const KEYS = Number(process.env.BENCH_KEYS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const dist = pathToFileURL(resolve(process.env.BENCH_DIST ?? new URL('../dist', import.meta.url).pathname)).href;
const databaseUrl = process.env.BENCH_DATABASE_URL;
const { buildApp } = await import(`${dist}/http/app.js`);
const { loadConfig } = await import(`${dist}/http/config.js`);
const { createUsageRecorder } = await import(`${dist}/verify/usage-recorder.js`);
const { createVerifyStore } = await import(`${dist}/modules/verify-store/verify-store.js`);
const { insertKeys } = await import('./lib/keys.mjs');

const dataDir = mkdtempSync(join(tmpdir(), 'keyward-usage-flush-'));
const schema = `keyward_flush_${randomBytes(4).toString('hex')}`;
const env = databaseUrl === undefined ? {} : { KEYWARD_DATABASE_URL: databaseUrl, KEYWARD_DATABASE_SCHEMA: schema };
const pepper = randomBytes(32).toString('base64url');
const config = loadConfig(env, { dataDir, pepper, usageFlushMs: 3_600_000 });
const keyward = await buildApp({ config, logStream: new Writable({ write: (_chunk, _encoding, done) => done() }) });

const call = rootCalls(keyward);
const tenant = await call('POST', '/v1/tenants', { name: 'Bench' });
const environment = await call('POST', '/v1/environments', { tenantId: tenant.id, name: 'prod' });
const template = await call('POST', '/v1/keys', {
  environmentId: environment.id,
  name: 'bench',
  kind: 'application',
  permissions: ['functions.execute'],
});
await insertKeys(keyward.storage, pepper, template.id, KEYS, 0);
const keys = (await keyward.storage.db.selectFrom('api_keys').select(['id', 'tenant_id', 'environment_id']).execute())
  .filter((row) => row.id !== template.id && row.tenant_id === tenant.id)
  .map((row) => ({ id: row.id, tenantId: row.tenant_id, environmentId: row.environment_id }));

const store = createVerifyStore(keyward.storage.db, config.model);
const usage = createUsageRecorder({ store, intervalMs: 3_600_000, maxEntries: 10 * KEYS, onError: () => undefined });
// Builds before issue 27's change take the key's id, the ones after it the key (id, tenant, environment).
const takesKey = process.env.BENCH_RECORD_KEY_ID === undefined;

function recordEach() {
  const now = Date.now();
  for (const key of keys) usage.record(takesKey ? key : key.id, 'VALID', '203.0.113.1', now);
}

async function timedFlush() {
  recordEach();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await usage.flush();
  const wall = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  return { cpuMs: (user + system) / 1000, wallMs: wall };
}

/** The longest stretch without an event-loop turn during one flush. */
async function blockedFlush() {
  recordEach();
  let longest = 0;
  let last = performance.now();
  let ticking = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  await usage.flush();
  ticking = false;
  tick();
  return longest;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summary = (values) => ({
  median: +median(values).toFixed(1),
  min: +Math.min(...values).toFixed(1),
  max: +Math.max(...values).toFixed(1),
});

const first = await timedFlush();
const cpu = [];
const wall = [];
const blocks = [];
for (let round = 0; round < ROUNDS; round++) {
  const flush = await timedFlush();
  cpu.push(flush.cpuMs);
  wall.push(flush.wallMs);
  blocks.push(await blockedFlush());
}
const rows = await keyward.storage.db
  .selectFrom('usage_rollups')
  .select((eb) => eb.fn.countAll().as('n'))
  .executeTakeFirstOrThrow();
console.log(
  JSON.stringify({
    database: databaseUrl === undefined ? 'sqlite' : 'postgres',
    dist: process.env.BENCH_DIST ?? 'dist',
    keys: keys.length,
    firstFlush: { cpuMs: +first.cpuMs.toFixed(1), wallMs: +first.wallMs.toFixed(1) },
    cpuMs: summary(cpu),
    wallMs: summary(wall),
    longestBlockMs: summary(blocks),
    rollupRows: Number(rows.n),
  }),
);

await usage.close();
await keyward.close();
rmSync(dataDir, { recursive: true, force: true });
if (databaseUrl !== undefined) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}
