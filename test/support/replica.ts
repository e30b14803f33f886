/**
 * For the replica's tests: a Keyward on a port with a fast change stream, a `verify.replicate`
 * key, and a fetch that counts verifies sent to the server and can cut the change stream or
 * silence the server, so a test can say what the replica answered itself and when it could not.
 */
import { expect } from 'vitest';
import { manualClock, type ManualClock } from '../../src/core/clock.js';
import { createReplica, type Replica, type ReplicaOptions } from '../../src/client/index.js';
import type { TestDatabase } from './databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from './keyward.js';

export interface Wire {
  readonly fetch: typeof fetch;
  /** Verifies the server was asked. */
  verifies: number;
  /** Ends the streams and refuses new ones (the stream is down). */
  cutStream(): void;
  /** Every request fails (the server is unreachable). */
  serverDown: boolean;
}

export function wire(): Wire {
  const streams = new Set<AbortController>();
  let streamCut = false;
  const state: Wire = {
    verifies: 0,
    serverDown: false,
    cutStream() {
      streamCut = true;
      for (const controller of streams) controller.abort(new Error('cut'));
    },
    fetch: async (input, init) => {
      const url = String(input);
      if (state.serverDown || (streamCut && url.includes('/v1/changes/stream')))
        throw new TypeError('fetch failed: the test cut it');
      if (url.endsWith('/v1/verify')) state.verifies++;
      if (!url.includes('/v1/changes/stream')) return fetch(input, init);
      const controller = new AbortController();
      init?.signal?.addEventListener('abort', () => controller.abort(init.signal?.reason));
      streams.add(controller);
      return fetch(input, { ...init, signal: controller.signal });
    },
  };
  return state;
}

export interface ReplicaWorld {
  readonly kw: TestKeyward;
  readonly clock: ManualClock;
  readonly baseUrl: string;
  readonly seeded: Seeded;
  /** A key holding `verify.replicate` in the seeded environment. */
  readonly replicateKey: string;
  /** An application key of the environment with these fields (permissions, ipAllowlist, ratelimits…). */
  key(fields?: Record<string, unknown>): Promise<{ id: string; key: string }>;
  /** A replica of the environment on `wire`, its stream up. */
  replica(wire: Wire, options?: Partial<ReplicaOptions>): Promise<Replica>;
  close(): Promise<void>;
}

export async function replicaWorld(db: TestDatabase): Promise<ReplicaWorld> {
  const clock = manualClock(Date.now());
  const kw = await startKeyward(db, {
    clock,
    config: { changePollMs: 50, changeStreamHeartbeatMs: 50, maxStalenessMs: 60_000 },
  });
  const baseUrl = await kw.keyward.app.listen({ port: 0, host: '127.0.0.1' });
  const seeded = await seedTenant(kw, 'Replica');
  const key = async (fields: Record<string, unknown> = {}) => {
    const created = await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', ...fields });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { id: created.body.id as string, key: created.body.key as string };
  };
  const replicateKey = (await key({ name: 'replica', permissions: ['verify.replicate'] })).key;
  const replicas: Replica[] = [];
  return {
    kw,
    clock,
    baseUrl,
    seeded,
    replicateKey,
    key,
    async replica(wire, options = {}) {
      const replica = createReplica({
        baseUrl,
        key: replicateKey,
        fetch: wire.fetch,
        now: () => clock.now(),
        timeoutMs: 1000,
        ...options,
      });
      replicas.push(replica);
      await replica.ready;
      return replica;
    },
    async close() {
      for (const replica of replicas) await replica.close();
      // Every replica is done: the connections its fetches kept alive would hold the close for their keep-alive.
      kw.keyward.app.server.closeAllConnections();
      await kw.close();
    },
  };
}

/** Waits (at most `ms`) until `condition` holds; fails naming `what` otherwise. */
export async function eventually(what: string, condition: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
