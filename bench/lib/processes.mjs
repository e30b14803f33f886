/**
 * The processes the benchmark measures: Keyward started as `npm start` starts it
 * (`node dist/cli/main.js serve`, default settings, stdout piped and counted), and the bare
 * Fastify baseline. Both report their own CPU time from /proc so a saturated side is visible.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, or NaN where /proc is not there. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of a process in bytes, or NaN. */
export function residentBytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? Number.NaN : Number(match[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

/** The inherited environment without KEYWARD_* settings: the bench measures the defaults. */
function cleanEnv(extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('KEYWARD_')));
  return { ...env, ...extra };
}

/**
 * Starts `keyward serve` on a free port. `env` adds settings (data dir, database, pepper);
 * resolves once it listens, with the root key when this start created one. `root`: the checkout
 * whose build to run (this one by default; bench/alternate.mjs runs several side by side).
 */
export async function startKeyward(env, { expectRootKey = true, root = ROOT } = {}) {
  // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops.
  const nodeArgs =
    process.env.BENCH_CPU_PROF === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`];
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'dist/cli/main.js'), 'serve'], {
    env: cleanEnv({ KEYWARD_HOST: '127.0.0.1', KEYWARD_PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const server = { pid: child.pid, url: '', rootKey: null, logLines: 0, child };
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`keyward serve exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      server.logLines++;
      const listening = /^Keyward listening on (\S+)/.exec(line);
      if (listening !== null) server.url = listening[1];
      const key = /^\s+([a-z0-9]{1,12}_[0-9A-Za-z]{38})$/.exec(line);
      if (key !== null) server.rootKey = key[1];
      // Printed only to a terminal since issue 28; otherwise written to the data dir's root.key.
      const keyFile = env.KEYWARD_DATA_DIR === undefined ? null : join(env.KEYWARD_DATA_DIR, 'root.key');
      if (server.url !== '' && server.rootKey === null && keyFile !== null && existsSync(keyFile))
        server.rootKey = readFileSync(keyFile, 'utf8').trim();
      if (server.url !== '' && (!expectRootKey || server.rootKey !== null)) resolve();
    });
  });
  await ready;
  server.stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  return server;
}

/** The baseline: a bare Fastify 5 route parsing the same JSON body, in its own process. */
export async function startBare() {
  const child = spawn(process.execPath, [new URL('../bare-server.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  return {
    pid: child.pid,
    url: line.trim(),
    logLines: 0,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** A JSON request to a running server; throws on a status outside 2xx. */
export async function call(url, key, method, path, body) {
  const response = await fetch(url + path, {
    method,
    headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}
