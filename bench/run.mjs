/**
 * `npm run bench`: Keyward measured as a user runs it. The server is started as `npm start`
 * starts it (`node dist/cli/main.js serve`, default settings and log level), the load comes from
 * wrk when installed (else autocannon, with a warning), and each HTTP run reports the CPU of the
 * generator and of the server. One run prints and writes bench/results.json:
 *
 *   http       (a) verify req/s, p50, p99 at 32 connections, valid keys at random from 10 000:
 *                  key only, with a permission, with an action + resource, malformed, and keys
 *                  with a rate limit and with credits (10 000 of each; usage controls, SPEC §4);
 *              (b) a bare Fastify route measured the same way, and each ratio to it;
 *              (d) cold-miss verify latency on SQLite (each key's first verify), next to hits
 *   inprocess  (c) in-process verify on a cache hit, calls/s on one core;
 *              (e) resident memory per 100 000 cached keys, and the heap a node serving HTTP holds for them
 *   million    (f) the HTTP runs again with 1 000 000 keys in storage (and the cold misses)
 *   postgres   (d) cold-miss latency on PostgreSQL; (g) revocation seen by 2 other nodes of 3,
 *                  p50 and p99 over 200 revokes (when PostgreSQL answers at BENCH_DATABASE_URL)
 *   search     (h) the console's key search and the dashboard's analytics in a tenant of 100 000
 *                  keys, on SQLite and PostgreSQL (issue 26: each ≤ 100 ms)
 *   replica    (r1–r3) the in-process replica: cached verifies/s on one core, bytes per cached
 *                  verdict, revocation seen by a replica of a 3-node cluster (bench/lib/replica.mjs)
 *
 * Options (flags or environment): --only=http,inprocess,million,postgres,search,replica (all by default);
 * BENCH_SECONDS per HTTP run (5), BENCH_CONNECTIONS (32), BENCH_WRK_THREADS (2), BENCH_ROUNDS
 * (1: more gives each figure as the median of interleaved rounds), BENCH_DATABASE_URL
 * (postgres://postgres@127.0.0.1:5432/postgres), BENCH_CPU_PROF=<dir> (CPU profiles of the servers).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { call, startBare, startKeyward } from './lib/processes.mjs';
import { insertKeys, openBenchStorage } from './lib/keys.mjs';
import { hasWrk, measure, round, WRK_MISSING } from './lib/load.mjs';
import { timeVerifies } from './lib/latency.mjs';
import { measureRevocations } from './lib/revocation.mjs';
import { replicaSections } from './lib/replica.mjs';
import { searchSections } from './lib/search.mjs';

const flag = process.argv.find((arg) => arg.startsWith('--only='));
const sections = new Set(
  (flag?.slice('--only='.length) ?? process.env.BENCH_ONLY ?? 'http,inprocess,million,postgres,search,replica').split(
    ',',
  ),
);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const threads = Number(process.env.BENCH_WRK_THREADS ?? 2);
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const HOT_KEYS = 10_000;
const COLD_KEYS = 2_000;
const MILLION = 1_000_000;
const REVOCATIONS = 200;

const wrk = hasWrk();
const cpu = cpus();
const results = {
  date: new Date().toISOString(),
  command: `npm run bench${flag === undefined ? '' : ` -- ${flag}`}`,
  machine: `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`,
  generator: wrk
    ? `${spawnSync('wrk', ['--version']).stdout.toString().split(' Copyright')[0].trim()} -t${threads} -c${connections}`
    : `autocannon -c${connections}`,
  secondsPerRun: seconds,
  rounds,
};
console.log(
  `Machine: ${results.machine}\nLoad: ${results.generator}, ${seconds} s per run, loopback, generator and server on the same machine`,
);
if (!wrk) console.log(`\n${WRK_MISSING}\n`);

const temporary = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
  temporary.push(dir);
  return dir;
};
const newPepper = () => randomBytes(32).toString('base64url');

/**
 * A tenant, environment and three keys through the API, templates of the bulk rows: one plain, one
 * with a rate limit and one with credits, each too large to run out during the runs, so every
 * answer is VALID and each row measures what checking the limit or spending a credit costs.
 */
async function seed(server) {
  const tenant = await call(server.url, server.rootKey, 'POST', '/v1/tenants', { name: 'Bench' });
  const environment = await call(server.url, server.rootKey, 'POST', '/v1/environments', {
    tenantId: tenant.id,
    name: 'prod',
  });
  const template = (name, extra) =>
    call(server.url, server.rootKey, 'POST', '/v1/keys', {
      environmentId: environment.id,
      name,
      kind: 'application',
      permissions: ['functions.execute'],
      ...extra,
    });
  return {
    plain: (await template('bench', {})).id,
    limited: (
      await template('bench-limited', {
        ratelimits: [{ name: 'per-minute', limit: 1_000_000_000, durationMs: 60_000 }],
      })
    ).id,
    metered: (await template('bench-metered', { credits: { remaining: 1_000_000_000_000 } })).id,
  };
}

// `readFirst`: the row's keys are read once, one at a time, just before it in every round (see httpRuns).
const SCENARIOS = [
  { name: 'verify, valid key', kind: 'key', readFirst: true },
  { name: 'verify + permission', kind: 'permission' },
  { name: 'verify + action on a resource type', kind: 'action' },
  // From one source, malformed keys are refused with 429 once past KEYWARD_AUTH_FAILURE_LIMIT a
  // minute (SPEC §5 floods): the run measures what that refusal costs, so non-2xx is expected.
  { name: 'verify, malformed key (429 once throttled)', kind: 'malformed', refusalsExpected: true },
  // SPEC §4 usage controls: a rate limit is checked in memory (one node, no Redis: the default);
  // credits are spent exactly, the spends of one event-loop turn in one UPDATE of all their keys,
  // until a key is spent fast enough to be worth a block leased with one conditional UPDATE
  // (docs/limits.md). Over 10 000 keys at random that depends on the rate the row reaches; 100
  // busy keys show what a lease saves.
  { name: 'verify, key with a rate limit', kind: 'key', keySet: 'limited', readFirst: true },
  { name: 'verify, key with credits (10 000 keys)', kind: 'key', keySet: 'metered', readFirst: true },
  // The same keys once the load has gone on: the row above is its first seconds, when each key is
  // still spent exactly until its rate is known; here each holds a block, topped up as it goes.
  {
    name: 'verify, key with credits (10 000 keys, after 20 s more of the same load)',
    kind: 'key',
    keySet: 'metered',
    leadInSeconds: 20,
  },
  // And once the first lifetime's takes and first top-ups are past (blocks are taken in the load's
  // first seconds, and topped up between half and three quarters of a lifetime after, 15-23 s by
  // default), yet before the keys' cache entries come due for refreshes (45 s after their reads
  // at the earliest), which the valid-key row never meets: the steady state of credits alone.
  {
    name: 'verify, key with credits (10 000 keys, after 30 s more of the same load)',
    kind: 'key',
    keySet: 'metered',
    leadInSeconds: 5,
  },
  { name: 'verify, key with credits (100 busy keys)', kind: 'key', keySet: 'meteredBusy' },
];

/** (a) and (b): each scenario and the bare route, interleaved over the rounds; medians. */
async function httpRuns(keyward, bare, keySets) {
  const targets = [
    { name: 'bare Fastify route (baseline)', kind: 'key', server: bare },
    ...SCENARIOS.map((scenario) => ({ ...scenario, server: keyward })),
  ];
  const options = (target, runSeconds) => ({
    wrk,
    ...keySets[target.keySet ?? 'plain'],
    kind: target.kind,
    seconds: runSeconds,
    connections,
    threads,
  });
  for (const target of targets) await measure(target.server, options(target, 2)); // warm-up, discarded
  const samples = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) {
      // The rows measure verifying a busy key (checking a limit, spending a credit), not their keys'
      // cold misses, which (d) measures: the first row of each key set reads its keys just before
      // it, and the rows after it use them while they are cached. Without that, the plain keys,
      // read last in the round before, some 45 s earlier, came due for their refreshes (from 45 s
      // after a read) or expired (60 s) during the valid-key row of the next round: 10 000 storage
      // reads in its 5 s, about a third of its throughput, in that one row alone (issue 27). One
      // verify of each credit key, at the pace of one connection, is far too slow to make it worth a block.
      if (target.readFirst === true) await timeVerifies(target.server.url, keySets[target.keySet ?? 'plain'].keys);
      if (target.leadInSeconds !== undefined) await measure(target.server, options(target, target.leadInSeconds));
      const sample = await measure(target.server, options(target, seconds));
      if (sample.errors > 0 && target.refusalsExpected !== true)
        throw new Error(`${target.name} (round ${round + 1}): ${sample.errorDetail}`);
      samples[i].push(sample);
    }
  }
  const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rows = targets.map((target, i) => {
    const pick = (field) => median(samples[i].map((sample) => sample[field]));
    return {
      name: target.name,
      rps: pick('rps'),
      p50Ms: pick('p50Ms'),
      p99Ms: pick('p99Ms'),
      generatorCores: pick('generatorCores'),
      serverCores: pick('serverCores'),
      serverMicrosPerRequest: pick('serverMicrosPerRequest'),
    };
  });
  const baseline = rows[0].rps;
  for (const row of rows) row.vsBare = round(row.rps / baseline, 2);
  // Each round's ratio to that round's bare run: the spread a median hides. Their median pairs each
  // run with the bare run of its own round, minutes apart at most, where the ratio of the medians
  // may take them from different rounds: on a VM whose neighbours move the bare route by half
  // between rounds, the paired figure is the steadier of the two. Both are printed.
  const plain = targets.findIndex(
    (target) => target.kind === 'key' && target.keySet === undefined && target.server !== bare,
  );
  rows.forEach((row, i) => {
    row.roundsVsBare = samples[i].map((sample, index) => round(sample.rps / samples[0][index].rps, 2));
    row.pairedVsBare = median(row.roundsVsBare);
    // A metered row against the valid-key row of its round (issue 27: rate limits and credits ≥ 0.9× plain).
    if (targets[i].keySet !== undefined)
      row.pairedVsPlain = median(samples[i].map((sample, index) => round(sample.rps / samples[plain][index].rps, 2)));
  });
  return rows;
}

function printRuns(title, rows) {
  console.log(
    `\n${title}\n| scenario | req/s | vs bare | each round vs bare | median of rounds vs bare | median of rounds vs valid key | p50 ms | p99 ms | generator CPU | server CPU | server µs/req |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  );
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.rps} | ${r.vsBare.toFixed(2)} | ${r.roundsVsBare.map((ratio) => ratio.toFixed(2)).join(' ')} | ${r.pairedVsBare.toFixed(2)} | ${r.pairedVsPlain?.toFixed(2) ?? ''} | ${r.p50Ms} | ${r.p99Ms} | ${r.generatorCores} | ${r.serverCores} | ${r.serverMicrosPerRequest} |`,
    );
}

async function sqliteSections() {
  const dataDir = tempDir();
  const pepper = newPepper();
  const env = { KEYWARD_DATA_DIR: dataDir, KEYWARD_PEPPER: pepper };
  let keyward = await startKeyward(env);
  const rootKey = keyward.rootKey;
  const bare = await startBare();
  try {
    const templates = await seed(keyward);
    const templateId = templates.plain;
    let storage = await openBenchStorage({ dataDir });
    const inserted = await insertKeys(storage, pepper, templateId, HOT_KEYS + COLD_KEYS, HOT_KEYS + COLD_KEYS);
    const keySet = (name, keys) => {
      const keysFile = join(dataDir, `bench-keys-${name}.txt`);
      writeFileSync(keysFile, keys.join('\n') + '\n');
      return { keysFile, keys };
    };
    const hot = inserted.slice(0, HOT_KEYS).map(({ key }) => key);
    const cold = inserted.slice(HOT_KEYS).map(({ key }) => key);
    const keySets = { plain: keySet('plain', hot) };
    for (const name of ['limited', 'metered']) {
      const keys = (await insertKeys(storage, pepper, templates[name], HOT_KEYS, HOT_KEYS)).map(({ key }) => key);
      keySets[name] = keySet(name, keys);
    }
    keySets.meteredBusy = keySet('metered-busy', keySets.metered.keys.slice(0, 100));
    await storage.db.destroy();

    /** Cold misses first (each key's first verify), then the hot keys warmed and timed as hits. */
    const latencies = async (coldKeys) => {
      const coldMiss = await timeVerifies(keyward.url, coldKeys);
      await timeVerifies(keyward.url, hot);
      const hit = await timeVerifies(keyward.url, hot.slice(0, COLD_KEYS));
      return { coldMiss, hit };
    };

    if (sections.has('http')) {
      results.coldMissSqlite = await latencies(cold);
      const logLinesBefore = keyward.logLines;
      results.http = await httpRuns(keyward, bare, keySets);
      results.logLinesDuringHttpRuns = keyward.logLines - logLinesBefore;
      printRuns(
        `(a, b) HTTP verify, ${HOT_KEYS} keys at random, SQLite, default settings (${results.logLinesDuringHttpRuns} log lines written during the runs)`,
        results.http,
      );
      console.log(
        `\n(d) SQLite, one connection, sequential: cold miss p50 ${results.coldMissSqlite.coldMiss.p50Ms} ms, p99 ${results.coldMissSqlite.coldMiss.p99Ms} ms; cache hit p50 ${results.coldMissSqlite.hit.p50Ms} ms, p99 ${results.coldMissSqlite.hit.p99Ms} ms`,
      );
    }

    if (sections.has('million')) {
      // Written with the server stopped (the fastest way in), then a fresh start: the cache fills from the big table.
      await keyward.stop();
      storage = await openBenchStorage({ dataDir });
      const started = performance.now();
      const more = await insertKeys(storage, pepper, templateId, MILLION - 3 * HOT_KEYS - COLD_KEYS, COLD_KEYS);
      const total = Number(
        (
          await storage.db
            .selectFrom('api_keys')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      await storage.db.destroy();
      const insertSeconds = round((performance.now() - started) / 1000, 1);
      keyward = await startKeyward(env, { expectRootKey: false });
      keyward.rootKey = rootKey;
      const latency = await latencies(more.map(({ key }) => key));
      const runs = await httpRuns(keyward, bare, keySets);
      const ratio = (kind) =>
        results.http === undefined
          ? null
          : round(
              runs[SCENARIOS.findIndex((s) => s.kind === kind) + 1].rps /
                results.http[SCENARIOS.findIndex((s) => s.kind === kind) + 1].rps,
              2,
            );
      results.million = {
        keysInStorage: total,
        insertSeconds,
        coldMiss: latency.coldMiss,
        hit: latency.hit,
        http: runs,
        validKeyVsTenThousand: ratio('key'),
        permissionVsTenThousand: ratio('permission'),
      };
      printRuns(`(f) the same with ${total} keys in storage (inserted in ${insertSeconds} s)`, runs);
      console.log(
        `    cold miss p99 ${latency.coldMiss.p99Ms} ms with ${total} keys; valid-key req/s vs 10 000 keys: ${results.million.validKeyVsTenThousand ?? 'n/a (run http too)'}`,
      );
    }
  } finally {
    await keyward.stop();
    await bare.stop();
  }
}

async function inProcessSections() {
  const child = spawn(process.execPath, ['--expose-gc', new URL('./in-process.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`in-process bench exited with ${code}`);
  const measured = JSON.parse(output.trim().split('\n').pop());
  Object.assign(results, measured);
  const line = (what, figures) =>
    `${what}: ${figures.opsPerSecond} calls/s (${figures.microsecondsPerCall} µs a call, one core; ${figures.opsPerCpuSecond} per CPU-second)`;
  console.log(`\n(c) in-process verify, cache hit, ${line('permission asked', measured.inProcess)}`);
  console.log(`    ${line('key with a rate limit', measured.inProcessWithRateLimit)}`);
  console.log(
    `    miss (each key's first verify, its row read and built): ${line('permission asked', measured.inProcessMiss)}`,
  );
  console.log(`    ${line('key with credits (leased blocks)', measured.inProcessWithCredits)}`);
  console.log(
    `(e) verify cache: ${measured.memory.residentBytesPerKey} B resident per cached key (${measured.memory.heapBytesPerKey} B of heap), ${measured.memory.residentMiBPer100k} MiB per 100 000 keys`,
  );
  console.log(
    `    as a node serving HTTP holds it (each key's reply JSON kept too): ${measured.memory.heapBytesPerKeyOverHttp} B of heap per cached key`,
  );
}

async function postgresReachable() {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function postgresSections() {
  if (!(await postgresReachable())) {
    console.log(`\n(d, g) PostgreSQL: skipped, nothing answers at ${databaseUrl} (set BENCH_DATABASE_URL)`);
    results.postgres = { skipped: `no PostgreSQL at ${databaseUrl}` };
    return;
  }
  const schema = `keyward_bench_${randomBytes(4).toString('hex')}`;
  const pepper = newPepper();
  const env = (dataDir) => ({
    KEYWARD_DATA_DIR: dataDir,
    KEYWARD_PEPPER: pepper,
    KEYWARD_DATABASE_URL: databaseUrl,
    KEYWARD_DATABASE_SCHEMA: schema,
  });
  const nodes = [];
  try {
    nodes.push(await startKeyward(env(tempDir())));
    const templateId = (await seed(nodes[0])).plain;
    for (let i = 0; i < 2; i++) nodes.push(await startKeyward(env(tempDir()), { expectRootKey: false }));
    const storage = await openBenchStorage({ dataDir: tempDir(), databaseUrl, schema });
    const inserted = await insertKeys(storage, pepper, templateId, COLD_KEYS + REVOCATIONS, COLD_KEYS + REVOCATIONS);
    await storage.db.destroy();
    const cold = inserted.slice(0, COLD_KEYS).map(({ key }) => key);
    const coldMiss = await timeVerifies(nodes[1].url, cold);
    const hit = await timeVerifies(nodes[1].url, cold);
    const revocation = await measureRevocations(nodes, nodes[0].rootKey, inserted.slice(COLD_KEYS));
    results.postgres = { coldMiss, hit, revocation };
    console.log(
      `\n(d) PostgreSQL, one connection, sequential: cold miss p50 ${coldMiss.p50Ms} ms, p99 ${coldMiss.p99Ms} ms; cache hit p50 ${hit.p50Ms} ms, p99 ${hit.p99Ms} ms`,
    );
    console.log(
      `(g) revocation seen by the 2 other nodes of 3 (request sent → both answer REVOKED): p50 ${revocation.p50Ms} ms, p99 ${revocation.p99Ms} ms, max ${revocation.maxMs} ms over ${revocation.revocations}`,
    );
  } finally {
    for (const node of nodes) await node.stop();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
}

try {
  if (sections.has('http') || sections.has('million')) await sqliteSections();
  if (sections.has('inprocess')) await inProcessSections();
  if (sections.has('postgres')) await postgresSections();
  if (sections.has('search'))
    results.search = await searchSections({
      tempDir,
      pepper: newPepper(),
      databaseUrl,
      postgresReachable,
      startKeyward,
      openStorage: openBenchStorage,
    });
  if (sections.has('replica'))
    results.replica = await replicaSections({ tempDir, newPepper, databaseUrl, postgresReachable });
} finally {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
}
const out = new URL('./results.json', import.meta.url).pathname;
writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log(`\nWritten to bench/results.json`);
