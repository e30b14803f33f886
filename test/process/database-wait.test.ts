/**
 * A node started before its PostgreSQL is reachable (issue 28): it does not exit, it answers
 * `/healthz` 200 and `/readyz` 503 `database: waiting`, retries with backoff, and once the
 * database is reachable (here: a TCP proxy that starts forwarding later) it becomes ready by
 * itself on the same port.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { backoffMs } from '../../src/http/waiting-start.js';
import { CLI } from '../support/server-process.js';
import { tcpProxy, throughProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { newTestSchema } from '../support/test-schemas.js';

const url = inject('postgresUrl');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('backoffMs', () => {
  it('starts at a quarter second, doubles, stops at 5 s, with jitter of up to half', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffMs(attempt, () => 1))).toEqual([
      250, 500, 1000, 2000, 4000, 5000, 5000,
    ]);
    expect(backoffMs(10, () => 0)).toBe(2500);
  });
});

describe.skipIf(url === null)('a node whose PostgreSQL is not reachable yet', () => {
  let proxy: TcpProxy | undefined;
  let child: ChildProcessWithoutNullStreams | undefined;
  afterEach(async () => {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await proxy?.close();
  });

  it('waits, says why it is not ready, and becomes ready by itself once the database answers', async () => {
    const target = new URL(url as string);
    proxy = await tcpProxy(target.hostname, Number(target.port || 5432));
    proxy.cut(); // refuses every connection until restored: PostgreSQL "not up yet"
    const cwd = mkdtempSync(join(tmpdir(), 'keyward-wait-'));
    child = spawn(process.execPath, [CLI, 'serve'], {
      cwd,
      env: {
        ...process.env,
        KEYWARD_PORT: '0',
        KEYWARD_LOG_LEVEL: 'info',
        KEYWARD_DATABASE_URL: throughProxy(url as string, proxy.port),
        KEYWARD_DATABASE_SCHEMA: newTestSchema(),
        KEYWARD_PEPPER: 'a-pepper-of-at-least-thirty-two-characters',
      },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const waitFor = async (pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> => {
      const started = Date.now();
      for (;;) {
        const match = pattern.exec(out);
        if (match !== null) return match;
        if (Date.now() - started > timeoutMs || child?.exitCode !== null) throw new Error(`no ${pattern} in: ${out}`);
        await sleep(50);
      }
    };

    const base = (await waitFor(/"url":"(http:\/\/[^"]+)"[^\n]*database not reachable yet/))[1] as string;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const waiting = await fetch(`${base}/readyz`);
    expect(waiting.status).toBe(503);
    const problem = (await waiting.json()) as { code: string; detail: string };
    expect(problem.code).toBe('UNAVAILABLE');
    expect(problem.detail).toMatch(/^database: waiting \(attempt \d+\): could not reach the database/);
    expect((await fetch(`${base}/v1/tenants`)).status).toBe(503);
    await sleep(1500); // several attempts fail meanwhile, said once
    expect(out.match(/database not reachable yet/g)).toHaveLength(1);
    expect(child.exitCode).toBeNull();

    proxy.restore();
    await waitFor(/Keyward listening on/);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  }, 60_000);
});
