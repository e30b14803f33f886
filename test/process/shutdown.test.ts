/**
 * SIGTERM drains: a request already in flight when the signal arrives is answered in full, and
 * then the process exits 0, promptly, even when the client keeps its connection alive (as
 * proxies and load balancers do), and within the drain bound even when PostgreSQL has gone silent.
 */
import { Agent, request } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { tcpProxy, throughProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { newTestSchema } from '../support/test-schemas.js';

const url = inject('postgresUrl');

interface Drained {
  readonly status: number;
  readonly body: unknown;
  /** Milliseconds from the end of the answer to the process exit. */
  readonly exitAfterMs: number;
  readonly exitCode: number | null;
  /** Whether the process was still running when the rest of the body was sent. */
  readonly aliveAfterSignal: boolean;
}

/** What the server logs when the signal has reached it and it starts draining. */
const DRAINING = 'shutting down: draining in-flight requests';

/**
 * Sends a verify request's head, SIGTERMs the server once the server has taken the request in,
 * sends the body once the server has begun draining, and waits for the exit. Each step waits for
 * its event, not for a time: the server answers `Expect: 100-continue` when it has read the head
 * (the request is then in flight, not an idle connection that closing may drop), and logs
 * DRAINING when the signal has reached it.
 */
async function verifyAcrossSigterm(server: ServerProcess, agent: Agent): Promise<Drained> {
  const rootKey = readFileSync(join(server.cwd, 'data', 'root.key'), 'utf8').trim();
  const body = JSON.stringify({ key: rootKey });
  const { hostname, port } = new URL(server.url);
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    server.child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const inFlight = request({
    agent,
    host: hostname,
    port,
    method: 'POST',
    path: '/v1/verify',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
  });
  const taken = new Promise<void>((resolve) => inFlight.once('continue', resolve));
  const answered = new Promise<{ status: number; text: string; at: number }>((resolve, reject) => {
    inFlight.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text, at: Date.now() }));
    });
    inFlight.on('error', reject);
  });
  inFlight.flushHeaders();
  await taken;
  server.child.kill('SIGTERM');
  await vi.waitFor(() => expect(server.stdout()).toContain(DRAINING), { timeout: 10_000, interval: 20 });
  const aliveAfterSignal = server.child.exitCode === null;
  inFlight.end(body);
  const reply = await answered;
  const exit = await exited;
  return {
    status: reply.status,
    body: JSON.parse(reply.text),
    exitAfterMs: exit.at - reply.at,
    exitCode: exit.code,
    aliveAfterSignal,
  };
}

describe('SIGTERM on the built server', () => {
  let server: ServerProcess;
  const agents: Agent[] = [];
  const agent = (keepAlive: boolean): Agent => {
    agents.push(new Agent({ keepAlive, timeout: 60_000 }));
    return agents[agents.length - 1] as Agent;
  };
  beforeEach(async () => {
    // At info, the server logs DRAINING (requests are not logged: the access log is off).
    server = await startServerProcess({ KEYWARD_LOG_LEVEL: 'info' });
  });
  afterEach(async () => {
    for (const used of agents.splice(0)) used.destroy();
    await server.stop();
    rmSync(server.cwd, { recursive: true, force: true });
  });

  it('lets an in-flight request finish, then exits 0', async () => {
    const drained = await verifyAcrossSigterm(server, agent(false));
    expect(drained.aliveAfterSignal).toBe(true);
    expect(drained.status).toBe(200);
    expect(drained.body).toMatchObject({ valid: true, code: 'VALID' });
    expect(drained.exitCode).toBe(0);
  });

  it('exits within a second of the last answer though the client keeps its connection alive', async () => {
    const drained = await verifyAcrossSigterm(server, agent(true));
    expect(drained.exitCode).toBe(0);
    expect(drained.exitAfterMs).toBeLessThan(1000);
  });
});

describe.skipIf(url === null)('SIGTERM on the built server, its PostgreSQL silent', () => {
  /** KEYWARD_SHUTDOWN_TIMEOUT_MS's default. */
  const DRAIN_BOUND_MS = 20_000;
  let proxy: TcpProxy;
  let server: ServerProcess;
  afterEach(async () => {
    await proxy?.close();
    await server?.stop();
    if (server !== undefined) rmSync(server.cwd, { recursive: true, force: true });
  });

  it('answers the write in flight 503, and exits 0 within the drain bound', async () => {
    const target = new URL(url ?? '');
    proxy = await tcpProxy(target.hostname, Number(target.port || 5432));
    server = await startServerProcess({
      KEYWARD_DATABASE_URL: throughProxy(url ?? '', proxy.port),
      KEYWARD_DATABASE_SCHEMA: newTestSchema(),
    });
    const root = readFileSync(join(server.cwd, 'data', 'root.key'), 'utf8').trim();
    const call = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${root}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // Key usage waits to be written, and the root key is cached: shutting down has work to do.
    expect((await call('/v1/verify', { key: root })).status).toBe(200);
    expect((await call('/v1/tenants', { name: 'Before' })).status).toBe(201);

    // Silent from the moment the write reaches the database's link: it is in flight at SIGTERM.
    proxy.stallWhen('client', (chunk) => chunk.includes('During'));
    const write = call('/v1/tenants', { name: 'During' });
    await vi.waitFor(() => expect(proxy.stalled).toBe(true), { timeout: 10_000, interval: 10 });
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      server.child.once('exit', (code) => resolve({ code, at: Date.now() })),
    );
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const exit = await Promise.race([exited, sleep(DRAIN_BOUND_MS + 5000).then(() => 'still running' as const)]);
    expect(exit, server.stdout()).not.toBe('still running');
    if (exit === 'still running') return;
    expect(exit.at - signalled).toBeLessThan(DRAIN_BOUND_MS);
    expect(exit.code, server.stdout()).toBe(0);
    const answer = await write;
    expect(answer.status).toBe(503);
    expect(((await answer.json()) as { code: string }).code).toBe('UNAVAILABLE');
  }, 60_000);
});
