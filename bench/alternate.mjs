/**
 * HTTP rows alternated, for comparisons a shared VM can tell apart: one server per build, all
 * started at once, each seeded with 10 000 keys per row (plain, with a rate limit, with credits),
 * and every row of every server measured in turn, cycle after cycle. A neighbour that slows the
 * machine for a minute slows the runs of that minute, which then sit side by side: a difference
 * between two builds counts only where it shows in every cycle. On the shared 2-core VM of
 * 2026-12-07 the valid key's ratio to the bare route went from 0.38 to 0.85 between rounds of one
 * bench run, far more than the changes being judged (issue 27).
 *
 *   npm run build:server                       (in each checkout compared)
 *   node bench/alternate.mjs --builds=.,../before --rows=plain,limited --cycles=4 --seconds=5
 *
 * --builds: checkouts whose `dist/` to run (this one by default); --rows: key sets, the first
 * being what the others are compared with (plain, limited, metered; default plain,limited).
 * Prints every run, then per build the medians of req/s and server µs a request, and each
 * cycle's ratio of every row to the first. BENCH_CPU_PROF=<dir> profiles the servers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { insertKeys, openBenchStorage } from './lib/keys.mjs';
import { timeVerifies } from './lib/latency.mjs';
import { hasWrk, measure, WRK_MISSING } from './lib/load.mjs';
import { call, startKeyward } from './lib/processes.mjs';

const option = (name, fallback) =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const builds = option('builds', '.')
  .split(',')
  .map((build) => resolve(build));
const rows = option('rows', 'plain,limited').split(',');
const cycles = Number(option('cycles', 4));
const seconds = Number(option('seconds', 5));
const KEYS = 10_000;

/** What each row's keys carry, as `POST /v1/keys` takes it; each too large to run out. */
const CONTROLS = {
  plain: {},
  limited: { ratelimits: [{ name: 'per-minute', limit: 1_000_000_000, durationMs: 60_000 }] },
  metered: { credits: { remaining: 1_000_000_000_000 } },
};
for (const row of rows) if (!(row in CONTROLS)) throw new Error(`unknown row ${row} (${Object.keys(CONTROLS)})`);
if (!hasWrk()) throw new Error(WRK_MISSING);

async function seeded(root) {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-alternate-'));
  const pepper = randomBytes(32).toString('base64url');
  const server = await startKeyward({ KEYWARD_DATA_DIR: dataDir, KEYWARD_PEPPER: pepper }, { root });
  const admin = (method, path, body) => call(server.url, server.rootKey, method, path, body);
  const tenant = await admin('POST', '/v1/tenants', { name: 'Alternate' });
  const environment = await admin('POST', '/v1/environments', { tenantId: tenant.id, name: 'prod' });
  const storage = await openBenchStorage({ dataDir });
  const keySets = {};
  for (const row of rows) {
    const template = await admin('POST', '/v1/keys', {
      environmentId: environment.id,
      name: row,
      kind: 'application',
      permissions: ['functions.execute'],
      ...CONTROLS[row],
    });
    const keys = (await insertKeys(storage, pepper, template.id, KEYS, KEYS)).map(({ key }) => key);
    const keysFile = join(dataDir, `${row}.txt`);
    writeFileSync(keysFile, `${keys.join('\n')}\n`);
    keySets[row] = { keys, keysFile };
  }
  await storage.db.destroy();
  return { root, server, dataDir, keySets, runs: Object.fromEntries(rows.map((row) => [row, []])) };
}

const load = (keySet, runSeconds) => ({
  wrk: true,
  ...keySet,
  kind: 'key',
  seconds: runSeconds,
  connections: 32,
  threads: 2,
});
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

const servers = [];
for (const root of builds) servers.push(await seeded(root));
try {
  for (const { server, keySets } of servers)
    for (const row of rows) {
      await timeVerifies(server.url, keySets[row].keys);
      await measure(server, load(keySets[row], 2)); // warm-up, discarded
    }
  for (let cycle = 0; cycle < cycles; cycle++)
    for (const { root, server, keySets, runs } of servers)
      for (const row of rows) {
        // Each row's keys read just before it, as the bench does: none comes due for a refresh in its run.
        await timeVerifies(server.url, keySets[row].keys);
        const run = await measure(server, load(keySets[row], seconds));
        runs[row].push(run);
        console.log(`cycle ${cycle + 1} ${root} ${row}: ${run.rps} req/s, ${run.serverMicrosPerRequest} µs/req`);
      }
  for (const { root, runs } of servers) {
    console.log(`\n${root}`);
    for (const row of rows)
      console.log(
        `  ${row}: median ${median(runs[row].map((run) => run.rps))} req/s, ${median(runs[row].map((run) => run.serverMicrosPerRequest))} µs/req`,
      );
    for (const row of rows.slice(1))
      console.log(
        `  ${row} / ${rows[0]} by cycle: ${runs[row].map((run, cycle) => (run.rps / runs[rows[0]][cycle].rps).toFixed(2)).join(' ')}`,
      );
  }
} finally {
  for (const { server, dataDir } of servers) {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
