/**
 * Child of `npm run bench` (run with --expose-gc): Keyward built in this process on a throw-away
 * SQLite data dir, to measure (c) verify with no HTTP around it on a cache hit, in calls per
 * second on one core (plain keys, keys with a rate limit, keys with credits), and (e) the
 * resident memory the verify cache costs per 100 000 keys, and its heap as a node serving HTTP holds it.
 * Prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { buildApp } from '../dist/http/app.js';
import { loadConfig } from '../dist/http/config.js';
import { rootCalls } from './lib/root-calls.mjs';
import { insertKeys } from './lib/keys.mjs';

const CACHED_KEYS = Number(process.env.BENCH_MEMORY_KEYS ?? 100_000);
const CALLS = Number(process.env.BENCH_VERIFY_CALLS ?? 1_000_000);
const gc = globalThis.gc;
if (typeof gc !== 'function') throw new Error('run with node --expose-gc');

const dataDir = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
const pepper = randomBytes(32).toString('base64url');
const keyward = await buildApp({
  config: loadConfig({}, { dataDir, pepper }),
  logStream: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

const call = rootCalls(keyward);
const tenant = await call('POST', '/v1/tenants', { name: 'Bench' });
const environment = await call('POST', '/v1/environments', { tenantId: tenant.id, name: 'prod' });
// Issue 24: with BENCH_WEBHOOK_ENDPOINT=1, an endpoint subscribed to every event (a credits
// threshold included) exists throughout, to show verify does not pay for events out.
if (process.env.BENCH_WEBHOOK_ENDPOINT === '1') {
  await call('POST', '/v1/webhook-endpoints', {
    tenantId: tenant.id,
    url: 'https://hooks.example/bench',
    events: [
      'key.created',
      'key.updated',
      'key.rotated',
      'key.revoked',
      'key.expiring',
      'key.expired',
      'key.credits_low',
      'key.leaked',
    ],
    creditsLowThreshold: 10,
  });
}
const template = await call('POST', '/v1/keys', {
  environmentId: environment.id,
  name: 'bench',
  kind: 'application',
  permissions: ['functions.execute'],
});
const keys = (await insertKeys(keyward.storage, pepper, template.id, CACHED_KEYS, CACHED_KEYS)).map(({ key }) => key);

const settle = async () => {
  await keyward.usage.flush();
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
};

// (e) Every key verified once: the cache then holds each, with its compiled grants and answers.
await settle();
const before = process.memoryUsage();
// Each of these is a miss: one indexed lookup, the row built into a record (its grants shared), cached.
const missStarted = process.hrtime.bigint();
const missCpuBefore = process.cpuUsage();
for (const key of keys) {
  const result = await keyward.verify({ key, permission: 'functions.execute' });
  if (!result.ok || result.value.code !== 'VALID') throw new Error(`warm-up: ${JSON.stringify(result)}`);
}
const missSeconds = Number(process.hrtime.bigint() - missStarted) / 1e9;
const missCpu = process.cpuUsage(missCpuBefore);
const inProcessMiss = {
  calls: keys.length,
  opsPerSecond: Math.round(keys.length / missSeconds),
  microsecondsPerCall: Math.round((missSeconds / keys.length) * 1e9) / 1000,
  opsPerCpuSecond: Math.round(keys.length / ((missCpu.user + missCpu.system) / 1e6)),
};
await settle();
const after = process.memoryUsage();
const cached = keyward.cache.size;

// (c) Cache hits, keys taken in turn from 10 000 (as the HTTP load does), after a warm-up.
const hot = keys.slice(0, 10_000);
// A loop of awaited calls that settle at once never lets timers run; the node's change follower
// would then look stale and stop trusting its cache (fail closed). A server yields between
// requests; this yields every 1024 calls.
const breathe = () => new Promise((resolve) => setImmediate(resolve));
const input = (i) => ({ key: hot[i % hot.length], permission: 'functions.execute' });
for (let i = 0; i < 200_000; i++) {
  await keyward.verify(input(i));
  if ((i & 1023) === 0) await breathe();
}
/** `calls` verifies of `input(i)`, timed in wall and CPU time; each must answer VALID. */
async function timed(calls, input) {
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const result = await keyward.verify(input(i));
    if (!result.ok || result.value.code !== 'VALID') throw new Error(`timed verify: ${JSON.stringify(result)}`);
    if ((i & 1023) === 0) await breathe();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  // CPU time as well as wall time: on a shared machine the first is the steadier of the two.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    calls,
    opsPerSecond: Math.round(calls / seconds),
    microsecondsPerCall: Math.round((seconds / calls) * 1e9) / 1000,
    opsPerCpuSecond: Math.round(calls / cpuSeconds),
  };
}
const inProcess = await timed(CALLS, input);

/**
 * The same on 10 000 keys with a usage control each (SPEC §4), too large to run out: a rate
 * limit (checked in memory) and credits (spent from a block leased by one conditional UPDATE, docs/limits.md).
 */
async function controlled(name, controls, calls) {
  const made = await call('POST', '/v1/keys', {
    environmentId: environment.id,
    name,
    kind: 'application',
    ...controls,
  });
  const controlledKeys = (await insertKeys(keyward.storage, pepper, made.id, 10_000, 10_000)).map(({ key }) => key);
  const plain = (i) => ({ key: controlledKeys[i % controlledKeys.length] });
  // Six verifies of each key first: a credit key is spent exactly until its fourth spend tells its
  // rate, and takes its block at the fifth; with two each, the timed calls were mostly those.
  await timed(6 * controlledKeys.length, plain);
  return timed(calls, plain);
}
const withRateLimit = await controlled(
  'bench-limited',
  { ratelimits: [{ name: 'per-minute', limit: 1_000_000_000, durationMs: 60_000 }] },
  CALLS,
);
const withCredits = await controlled(
  'bench-metered',
  { credits: { remaining: 1_000_000_000_000 } },
  Math.round(CALLS / 10),
);

// (e) again as a node serving HTTP holds them: each key's reused answer is then kept as its
// reply's JSON as well (answers.ts, ReusedResult), by the routes' own verifier. The cache emptied
// first, the same keys answered through the route; heap only, as V8 keeps the pages it had.
keyward.cache.clear();
await settle();
const beforeHttp = process.memoryUsage();
for (const key of keys) {
  const response = await keyward.app.inject({
    method: 'POST',
    url: '/v1/verify',
    payload: { key, permission: 'functions.execute' },
  });
  if (response.statusCode !== 200 || response.json().code !== 'VALID') throw new Error(`over HTTP: ${response.body}`);
}
await settle();
const afterHttp = process.memoryUsage();
const cachedOverHttp = keyward.cache.size;

await keyward.close();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(
  JSON.stringify({
    inProcess,
    inProcessMiss,
    inProcessWithRateLimit: withRateLimit,
    inProcessWithCredits: withCredits,
    memory: {
      cachedKeys: cached,
      residentBytesPerKey: Math.round((after.rss - before.rss) / cached),
      heapBytesPerKey: Math.round((after.heapUsed - before.heapUsed) / cached),
      residentMiBPer100k: Math.round(((((after.rss - before.rss) / cached) * 100_000) / 2 ** 20) * 10) / 10,
      heapBytesPerKeyOverHttp: Math.round((afterHttp.heapUsed - beforeHttp.heapUsed) / cachedOverHttp),
    },
  }) + '\n',
);
