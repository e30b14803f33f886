/**
 * Every call the replica makes has a bound (SPEC §4; the house rule: every call to another service
 * has a timeout): against a server that accepts connections and never answers, a verify fails as
 * unavailable, the change stream gives up and says so, a usage report fails (its counts kept),
 * and closing does not hang.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplica, KeywardUnavailableError } from '../../src/client/index.js';
import { createUsageReporter } from '../../src/client/replica-usage.js';

describe('the replica against a silent server', () => {
  let server: Server;
  let baseUrl: string;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    baseUrl = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails a verify as unavailable within its timeout, and says the stream is down', async () => {
    const errors: Error[] = [];
    const replica = createReplica({
      baseUrl,
      key: 'kw_replica',
      timeoutMs: 200,
      onError: (error) => errors.push(error),
    });
    const started = Date.now();
    await expect(replica.verify({ key: 'kw_any' })).rejects.toBeInstanceOf(KeywardUnavailableError);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(replica.fresh()).toBe(false);
    expect(replica.verifyCached({ key: 'kw_any' })).toBeUndefined();
    const waiting = Date.now();
    while (errors.length === 0 && Date.now() - waiting < 2000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors[0]?.message).toMatch(/change stream down/);
    const closing = Date.now();
    await replica.close();
    expect(Date.now() - closing).toBeLessThan(1000);
  });

  it('fails a usage report within its timeout and keeps its counts for the next, summed with the new', async () => {
    const counts = [3, 2];
    const sent: { items: { count: number }[] }[] = [];
    const reporter = createUsageReporter({
      url: `${baseUrl}/v1/replica/usage`,
      key: 'kw_replica',
      fetch: (input, init) => {
        sent.push(JSON.parse(String(init?.body)));
        return globalThis.fetch(input, init);
      },
      timeoutMs: 200,
      intervalMs: 60_000,
      take: () => {
        const count = counts.shift();
        return count === undefined
          ? []
          : [{ keyId: 'key_x', code: 'VALID', count, lastAt: Date.now(), lastIp: undefined }];
      },
      onError: () => undefined,
    });
    const started = Date.now();
    await expect(reporter.flush()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1500);
    // Kept: the next report sends them again with what was counted since, as one item (and fails again, as bounded).
    await expect(reporter.flush()).rejects.toThrow();
    expect(sent.map((body) => body.items.map((item) => item.count))).toEqual([[3], [5]]);
    await reporter.close();
  });
});
