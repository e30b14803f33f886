/**
 * A fixed loop of in-process verifies for instruction counts (`valgrind --tool=callgrind`), where
 * wall-clock figures on a shared machine are too noisy to compare two builds:
 *
 *   npm run build:server
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null node bench/verify-loop.mjs 0 0
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null node bench/verify-loop.mjs 20000 2000
 *
 * Arguments: cache hits of a plain key, then cache hits of a key with credits (one UPDATE each,
 * SQLite). The difference of the two runs' totals (`Collected`) is what the loops cost; the same
 * arguments before and after a change make the two figures comparable. Prints the verdicts seen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp } from '../dist/http/app.js';
import { loadConfig } from '../dist/http/config.js';
import { rootCalls } from './lib/root-calls.mjs';

const plainCalls = Number(process.argv[2] ?? 20_000);
const meteredCalls = Number(process.argv[3] ?? 2_000);

const dataDir = mkdtempSync(join(tmpdir(), 'keyward-loop-'));
// A fixed pepper: the same hashes, hence the same work, on every run.
const pepper = 'verify-loop-pepper-verify-loop-pepper-0123456789';
// No timer may fire on wall time: under valgrind a loop takes minutes, and every change poll or
// usage flush it let in would be counted as the verifies' work.
const quiet = { changePollMs: 60_000, maxStalenessMs: 86_400_000, usageFlushMs: 3_600_000 };
const keyward = await buildApp({
  config: loadConfig({}, { dataDir, pepper, ...quiet }),
  logStream: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

const call = rootCalls(keyward);
const tenant = await call('POST', '/v1/tenants', { name: 'Loop' });
const environment = await call('POST', '/v1/environments', { tenantId: tenant.id, name: 'prod' });
const plain = await call('POST', '/v1/keys', {
  environmentId: environment.id,
  name: 'plain',
  kind: 'application',
  permissions: ['functions.execute'],
});
const metered = await call('POST', '/v1/keys', {
  environmentId: environment.id,
  name: 'metered',
  kind: 'application',
  credits: { remaining: 1_000_000_000 },
});

const breathe = () => new Promise((resolve) => setImmediate(resolve));
const seen = {};
async function loop(calls, input) {
  for (let i = 0; i < calls; i++) {
    const result = await keyward.verify(input);
    const code = result.ok ? result.value.code : result.code;
    seen[code] = (seen[code] ?? 0) + 1;
    // A server yields between requests; without it the change follower would look stale.
    if ((i & 1023) === 0) await breathe();
  }
}
// Both keys are read into the cache first, so every counted call is a hit.
await loop(1, { key: plain.key, permission: 'functions.execute' });
await loop(1, { key: metered.key });
await loop(plainCalls, { key: plain.key, permission: 'functions.execute' });
await loop(meteredCalls, { key: metered.key });

await keyward.close();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ plainCalls, meteredCalls, seen }) + '\n');
