/**
 * `npm run bench`: HTTP throughput and latency of verify and of a management call, next to a
 * bare Fastify route measured in the same run on the same machine, then the in-process cost of
 * one verify. Servers run in a child process so the load generator does not share their event loop.
 * BENCH_SECONDS (default 5) sets each HTTP run's length, BENCH_CONNECTIONS (default 50) its
 * connections, BENCH_ROUNDS (default 3) how many interleaved rounds are run.
 */
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

const child = spawn(process.execPath, [new URL('./servers.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = await once(createInterface({ input: child.stdout }), 'line');
const { keywardUrl, bareUrl, key, rootKey } = JSON.parse(line);

const json = { 'content-type': 'application/json' };
const scenarios = [
  { name: 'baseline: bare Fastify POST (same body)', url: `${bareUrl}/verify`, method: 'POST', headers: json, body: JSON.stringify({ key }) },
  { name: 'verify, valid key (cache hit)', url: `${keywardUrl}/v1/verify`, method: 'POST', headers: json, body: JSON.stringify({ key }) },
  { name: 'verify + permission (cache hit)', url: `${keywardUrl}/v1/verify`, method: 'POST', headers: json, body: JSON.stringify({ key, permission: 'functions.execute' }) },
  {
    name: 'verify + action on a type (cache hit)',
    url: `${keywardUrl}/v1/verify`,
    method: 'POST',
    headers: json,
    body: JSON.stringify({ key, action: 'run', resource: { type: 'apiFunction' } }),
  },
  { name: 'verify, malformed key (no lookup)', url: `${keywardUrl}/v1/verify`, method: 'POST', headers: json, body: JSON.stringify({ key: 'kw_not-a-key' }) },
  { name: 'GET /v1/me (bearer auth + one read)', url: `${keywardUrl}/v1/me`, method: 'GET', headers: { authorization: `Bearer ${rootKey}` } },
];

function toOptions(scenario) {
  return { url: scenario.url, method: scenario.method, headers: scenario.headers, body: scenario.body, connections };
}

function run(scenario) {
  return autocannon({ ...toOptions(scenario), duration: seconds });
}

// Rounds interleave the scenarios so a burst of other load on the machine hits all of them;
// each scenario's figure is its median over the rounds.
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const samples = scenarios.map(() => []);
for (const scenario of scenarios) await autocannon({ ...toOptions(scenario), duration: 1 }); // warm-up, discarded
for (let round = 0; round < rounds; round++) {
  for (const [i, scenario] of scenarios.entries()) {
    const result = await run(scenario);
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${scenario.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    samples[i].push({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 });
  }
}
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = scenarios.map((scenario, i) => ({
  name: scenario.name,
  rps: median(samples[i].map((s) => s.rps)),
  p50: median(samples[i].map((s) => s.p50)),
  p99: median(samples[i].map((s) => s.p99)),
}));
child.kill('SIGTERM');

const cpu = cpus();
console.log(`\nMachine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`);
console.log(`HTTP: ${connections} connections, ${seconds} s per scenario, median of ${rounds} interleaved rounds, loopback\n`);
console.log('| scenario | req/s | vs baseline | p50 ms | p99 ms |');
console.log('|---|---:|---:|---:|---:|');
const baseline = results[0].rps;
for (const r of results) {
  console.log(`| ${r.name} | ${Math.round(r.rps)} | ${((r.rps / baseline) * 100).toFixed(0)}% | ${r.p50} | ${r.p99} |`);
}

const micro = spawn(process.execPath, [new URL('./verify-in-process.mjs', import.meta.url).pathname], { stdio: 'inherit' });
await once(micro, 'exit');
