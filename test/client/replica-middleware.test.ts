/**
 * The middlewares take a replica as their verifier (SPEC §4, replica): a Fastify route guarded by
 * `keywardFastify(replica, …)` lets a valid key through answered in-process, and refuses it once
 * the change stream delivered its revocation.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Replica } from '../../src/client/index.js';
import { keywardFastify } from '../../src/middleware/fastify.js';
import { sqliteOnly } from '../support/databases.js';
import { eventually, replicaWorld, wire, type ReplicaWorld, type Wire } from '../support/replica.js';

describe.each(sqliteOnly())('a middleware on a replica on $name', (db) => {
  let world: ReplicaWorld;
  let net: Wire;
  let replica: Replica;
  let app: FastifyInstance;
  beforeAll(async () => {
    world = await replicaWorld(db);
    net = wire();
    replica = await world.replica(net);
    app = Fastify();
    app.get(
      '/run',
      { preHandler: keywardFastify(replica, { permission: 'functions.execute', logger: false }) },
      async (request) => ({ keyId: request.keyward?.keyId }),
    );
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  // What the middleware asks: the permission, and the client's address (inject's).
  const asking = (key: string) => ({ key, permission: 'functions.execute', clientIp: '127.0.0.1' });
  const run = (key: string) => app.inject({ method: 'GET', url: '/run', headers: { authorization: `Bearer ${key}` } });

  it('lets a valid key through from the replica, and refuses it once its revocation is streamed', async () => {
    const made = await world.key({ permissions: ['functions.execute'] });
    await eventually('the replica keeps the verdict', () => {
      void run(made.key);
      return replica.verifyCached(asking(made.key)) !== undefined;
    });
    const asked = net.verifies;
    const allowed = await run(made.key);
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json()).toEqual({ keyId: made.id });
    expect(net.verifies, 'answered in-process').toBe(asked);

    expect((await world.seeded.admin.post(`/v1/keys/${made.id}/revoke`)).status).toBe(200);
    await eventually('the stream evicts the verdict', () => replica.verifyCached(asking(made.key)) === undefined);
    const refused = await run(made.key);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'REVOKED' });
  });
});
