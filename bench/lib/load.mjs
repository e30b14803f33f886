/**
 * HTTP load: wrk when installed (Debian: `apt-get install wrk`), else autocannon. Each run reports
 * req/s, p50, p99, and the CPU the generator and the server used over it (in cores: 1.0 is one
 * core busy all the time), so a saturated generator shows instead of passing for a slow server.
 */
import { spawn, spawnSync } from 'node:child_process';
import autocannon from 'autocannon';
import { cpuSeconds } from './processes.mjs';

const LUA = new URL('../verify.lua', import.meta.url).pathname;

export function hasWrk() {
  return spawnSync('wrk', ['--version']).error === undefined;
}

export const WRK_MISSING =
  'wrk is not installed: the load comes from autocannon, which is slower than the server it measures. ' +
  'Install wrk for figures comparable to the README (Debian/Ubuntu: sudo apt-get install wrk; macOS: brew install wrk).';

async function runWrk({ url, keysFile, kind, seconds, connections, threads }) {
  const child = spawn(
    'wrk',
    [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '-s', LUA, url, '--', keysFile, kind],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const cpuBefore = cpuSeconds(child.pid);
  let cpuLast = cpuBefore;
  // The generator's CPU is read just before it exits (after that /proc has nothing to say).
  const sampler = setInterval(() => {
    const now = cpuSeconds(child.pid);
    if (!Number.isNaN(now)) cpuLast = now;
  }, 100);
  const exit = await new Promise((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  const line = output.split('\n').find((candidate) => candidate.startsWith('WRK-RESULT '));
  if (exit !== 0 || line === undefined) throw new Error(`wrk failed (exit ${exit}):\n${output}`);
  const result = JSON.parse(line.slice('WRK-RESULT '.length));
  return {
    rps: result.requests / (result.durationUs / 1e6),
    p50Ms: result.p50Us / 1000,
    p99Ms: result.p99Us / 1000,
    errors: result.non2xx + result.socketErrors,
    errorDetail: `${result.non2xx} non-2xx, ${result.socketErrors} socket errors or timeouts`,
    generatorCpuSeconds: cpuLast - (Number.isNaN(cpuBefore) ? 0 : cpuBefore),
  };
}

function bodyOf(kind, key) {
  if (kind === 'permission') return JSON.stringify({ key, permission: 'functions.execute' });
  if (kind === 'action') return JSON.stringify({ key, action: 'run', resource: { type: 'apiFunction' } });
  if (kind === 'malformed') return JSON.stringify({ key: key.slice(0, -1) });
  return JSON.stringify({ key });
}

async function runAutocannon({ url, keys, kind, seconds, connections }) {
  const bodies = keys.map((key) => bodyOf(kind, key));
  const before = process.cpuUsage();
  const result = await autocannon({
    url: `${url}/v1/verify`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: bodies[Math.floor(Math.random() * bodies.length)] }),
      },
    ],
  });
  const used = process.cpuUsage(before);
  return {
    rps: result.requests.total / (result.duration || seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.non2xx + result.errors,
    generatorCpuSeconds: (used.user + used.system) / 1e6,
  };
}

/** One measured run against `server` (which has `url` and `pid`). */
export async function measure(server, options) {
  const started = performance.now();
  const serverCpuBefore = cpuSeconds(server.pid);
  const result = options.wrk
    ? await runWrk({ ...options, url: server.url })
    : await runAutocannon({ ...options, url: server.url });
  const wall = (performance.now() - started) / 1000;
  const serverCpu = cpuSeconds(server.pid) - serverCpuBefore;
  return {
    rps: Math.round(result.rps),
    p50Ms: round(result.p50Ms, 3),
    p99Ms: round(result.p99Ms, 3),
    errors: result.errors,
    errorDetail: result.errorDetail ?? `${result.errors} non-2xx or errors`,
    generatorCores: round(result.generatorCpuSeconds / wall, 2),
    serverCores: round(serverCpu / wall, 2),
    // CPU time per answer: steadier than req/s on a busy machine, and what the ratio comes from when the server is the limit.
    serverMicrosPerRequest: Math.round((serverCpu / wall / result.rps) * 1e6),
  };
}

export function round(value, digits) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
