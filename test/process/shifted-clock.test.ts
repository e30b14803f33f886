/**
 * Issue 6's end-to-end check: the real server, restarted with its clock shifted by libfaketime,
 * expires a one-day key, lets it rotate itself on day 3 (inside the default 7-day window), and
 * refuses a key of the same age on day 9 unless its environment's window is 30 days.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/server-process.js';

// libfaketime preloaded into node itself (not the `faketime` wrapper, which would sit between
// the test and the server and swallow SIGTERM's exit status).
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const hasFaketime = existsSync(LIBFAKETIME);
if (!hasFaketime)
  console.warn(
    `skipping the shifted-clock suite: ${LIBFAKETIME} is missing (apt-get install faketime; .ci/run installs it)`,
  );

const cwd = mkdtempSync(join(tmpdir(), 'keyward-faketime-'));
// The same pepper on every start, and no monotonic faking, so Node's timers keep working.
const env = { KEYWARD_PEPPER: 'a pepper for the shifted-clock test, long enough', FAKETIME_DONT_FAKE_MONOTONIC: '1' };

async function onDay<T>(
  day: number,
  body: (
    call: (method: string, path: string, key: string, payload?: unknown) => Promise<{ status: number; body: any }>,
  ) => Promise<T>,
): Promise<T> {
  const server = await startServerProcess(
    day === 0 ? env : { ...env, LD_PRELOAD: LIBFAKETIME, FAKETIME: `+${day}d` },
    cwd,
  );
  const call = async (method: string, path: string, key: string, payload?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload ?? {}),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  try {
    return await body(call);
  } finally {
    expect(await server.stop()).toBe(0);
  }
}

describe.skipIf(!hasFaketime)('the server with its clock shifted by faketime', () => {
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('expires a 1-day key, lets it rotate itself on day 3, and holds a key of the same age to its window on day 9', async () => {
    const keys = await onDay(0, async (call) => {
      const root = readFileSync(join(cwd, 'data', 'root.key'), 'utf8').trim();
      const tenant = await call('POST', '/v1/tenants', root, { name: 'Faketime' });
      const standard = await call('POST', '/v1/environments', root, { tenantId: tenant.body.id, name: 'standard' });
      const lenient = await call('POST', '/v1/environments', root, {
        tenantId: tenant.body.id,
        name: 'lenient',
        rotationWindowDays: 30,
      });
      const make = async (environmentId: string) =>
        (await call('POST', '/v1/keys', root, { environmentId, name: 'svc', kind: 'application', expiresInDays: 1 }))
          .body;
      const made = {
        rotatesDay3: await make(standard.body.id),
        standardDay9: await make(standard.body.id),
        lenientDay9: await make(lenient.body.id),
      };
      expect((await call('POST', '/v1/verify', root, { key: made.rotatesDay3.key })).body.code).toBe('VALID');
      return made;
    });

    await onDay(2, async (call) => {
      expect((await call('POST', '/v1/verify', keys.rotatesDay3.key, { key: keys.rotatesDay3.key })).body.code).toBe(
        'EXPIRED',
      );
    });

    await onDay(3, async (call) => {
      const rotated = await call('POST', `/v1/keys/${keys.rotatesDay3.id}/rotate`, keys.rotatesDay3.key);
      expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
      expect((await call('POST', '/v1/verify', rotated.body.key, { key: rotated.body.key })).body.code).toBe('VALID');
      expect((await call('POST', '/v1/verify', rotated.body.key, { key: keys.rotatesDay3.key })).body.code).toBe(
        'NOT_FOUND',
      );
    });

    await onDay(9, async (call) => {
      const refused = await call('POST', `/v1/keys/${keys.standardDay9.id}/rotate`, keys.standardDay9.key);
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('EXPIRED');
      const allowed = await call('POST', `/v1/keys/${keys.lenientDay9.id}/rotate`, keys.lenientDay9.key);
      expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
      expect((await call('POST', '/v1/verify', allowed.body.key, { key: allowed.body.key })).body.code).toBe('VALID');
    });
  }, 60_000);
});
