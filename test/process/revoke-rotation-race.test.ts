/**
 * Issue 21, tried as a new user would: three `keyward serve` nodes share PostgreSQL. In one
 * terminal the holder of a key rotates it with its own secret in a loop (curl, alternating two
 * nodes, each new secret used for the next rotation); in another an administrator runs
 * `keyward keys revoke` against the third. The key ends revoked and the loop's last secret is
 * refused, every round: no rotation in flight clears the revocation or outlives it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliHome, type CliResult } from '../support/cli-process.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { newTestSchema } from '../support/test-schemas.js';

const url = inject('postgresUrl');
const ROUNDS = 6;

/**
 * Terminal 1: rotate until a rotation is refused, or `stop` appears (the key was left live), or
 * 5 000 rotations. Prints how many rotations it made, how the last one was refused, and the
 * secret it holds.
 */
const ROTATION_LOOP = `
n=0; code=200
while [ "$n" -lt 5000 ] && [ ! -f stop ]; do
  node=$([ $((n % 2)) -eq 0 ] && echo "$NODE_A" || echo "$NODE_B")
  code=$(curl -s -o reply.json -w '%{http_code}' -X POST "$node/v1/keys/$KEY_ID/rotate" -H "authorization: Bearer $SECRET" -H 'content-type: application/json' -d '{}')
  [ "$code" = 200 ] || break
  SECRET=$(sed -n 's/.*"key":"\\([^"]*\\)".*/\\1/p' reply.json)
  n=$((n + 1))
done
echo "rotations=$n refused=$code stopped=$([ -f stop ] && echo yes || echo no)"
echo "secret=$SECRET"
`;

async function call(
  base: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

describe.skipIf(url === null)('revoke racing a self-rotation loop on three PostgreSQL nodes', () => {
  const nodes: ServerProcess[] = [];
  const home = cliHome();
  const work = mkdtempSync(join(tmpdir(), 'keyward-race-'));
  let rootKey = '';
  let environmentId = '';

  beforeAll(async () => {
    const env = {
      KEYWARD_DATABASE_URL: url as string,
      KEYWARD_DATABASE_SCHEMA: newTestSchema(),
      KEYWARD_PEPPER: randomBytes(32).toString('base64url'),
    };
    nodes.push(await startServerProcess(env));
    rootKey = readFileSync(join((nodes[0] as ServerProcess).cwd, 'data', 'root.key'), 'utf8').trim();
    nodes.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
    const first = (nodes[0] as ServerProcess).url;
    const tenant = await call(first, 'POST', '/v1/tenants', rootKey, { name: 'Race' });
    environmentId = (await call(first, 'POST', '/v1/environments', rootKey, { tenantId: tenant.body.id, name: 'prod' }))
      .body.id;
  }, 90_000);
  afterAll(async () => {
    for (const node of nodes) await node.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it(`leaves the key revoked in each of ${ROUNDS} rounds`, async () => {
    const [revoker, rotatorA, rotatorB] = nodes.map((node) => node.url) as [string, string, string];
    const broken: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const created = await call(revoker, 'POST', '/v1/keys', rootKey, {
        environmentId,
        name: `holder ${round}`,
        kind: 'application',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const cwd = mkdtempSync(join(work, `round-${round}-`));
      const loop: Promise<CliResult> = home.bash(ROTATION_LOOP, cwd, {
        NODE_A: rotatorA,
        NODE_B: rotatorB,
        KEY_ID: created.body.id,
        SECRET: created.body.key,
      });
      // Let the loop run before the administrator steps in, as a person at the second terminal would.
      await sleep(300 + round * 50);
      const revoked = await home.run(['keys', 'revoke', created.body.id], {
        KEYWARD_URL: revoker,
        KEYWARD_KEY: rootKey,
      });
      expect(revoked.status, revoked.stderr).toBe(0);
      expect(revoked.stdout).toContain('is revoked');
      // A loop still rotating well after the revoke answered has a live key: stop it and say so.
      const ended = await Promise.race([loop, sleep(5_000).then(() => null)]);
      if (ended === null) writeFileSync(join(cwd, 'stop'), '');
      const result = ended ?? (await loop);
      const summary = /rotations=(\d+) refused=(\d+) stopped=(\w+)/.exec(result.stdout);
      const secret = /secret=(\S+)/.exec(result.stdout)?.[1] ?? '';
      const shown = await home.run(['keys', 'show', created.body.id, '--json'], {
        KEYWARD_URL: rotatorB,
        KEYWARD_KEY: rootKey,
      });
      const status = JSON.parse(shown.stdout).status;
      // Every node refuses the secret the loop holds last, once it has followed the change log (≤ 1 s):
      // asked until all do, for as long as that bound allows (the loop has ended, nothing can undo it).
      const verdicts = () =>
        Promise.all(
          nodes.map(async (node) => (await call(node.url, 'POST', '/v1/verify', rootKey, { key: secret })).body.code),
        );
      const following = Date.now() + 1_200;
      let codes = await verdicts();
      while (codes.some((code) => code !== 'REVOKED') && Date.now() < following) {
        await sleep(50);
        codes = await verdicts();
      }
      if (summary?.[3] !== 'no' || status !== 'revoked' || codes.some((code) => code !== 'REVOKED')) {
        broken.push(`round ${round}: ${result.stdout.split('\n')[0]} status=${status} last secret=${codes.join(',')}`);
      }
    }
    expect(broken, `${broken.length} of ${ROUNDS} rounds left the key live`).toEqual([]);
  }, 120_000);
});
