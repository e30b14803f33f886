/**
 * KEYWARD_SHUTDOWN_DELAY_MS: after SIGTERM the node keeps answering for the delay, new
 * connections included, while /readyz says it is stopping and every answer closes its
 * connection (keep-alive clients move on instead of failing on a closed socket); then it drains
 * and exits 0.
 */
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

/** A GET on a fresh connection: status, the Connection header and the body. */
function get(url: string): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { agent: false, headers: { connection: 'keep-alive' } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body }),
      );
    });
    sent.on('error', reject);
    sent.end();
  });
}

describe('a shutdown delay', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
  });

  it('keeps answering, not ready, closing each connection, for the delay; then exits 0', async () => {
    server = await startServerProcess({ KEYWARD_SHUTDOWN_DELAY_MS: '3000', KEYWARD_LOG_LEVEL: 'info' });
    const before = await get(`${server.url}/readyz`);
    expect(before.status).toBe(200);
    expect(before.connection).toBe('keep-alive');

    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      server?.child.once('exit', (code) => resolve({ code, at: Date.now() })),
    );
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    while (!server.stdout().includes('stopping: still answering')) await sleep(20);

    const ready = await get(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ code: 'UNAVAILABLE', detail: 'this node is stopping' });
    expect(ready.connection).toBe('close');
    const health = await get(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.connection).toBe('close');
    expect(server.child.exitCode).toBeNull();

    const exit = await exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalled).toBeGreaterThanOrEqual(3000);
  }, 60_000);
});
