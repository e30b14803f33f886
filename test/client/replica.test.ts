/**
 * The in-process replica (SPEC §4, replica) against a real Keyward: it answers what it was told,
 * synchronously and without a request, and stops the moment the change stream says a verdict
 * changed (revoked, disabled, de-granted), at the key's expiry, outside an IP allowlist it was
 * not told about, for metered keys, and whenever it cannot vouch for its verdicts (fails closed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/core/clock.js';
import { KeywardUnavailableError, type Replica, type VerifyRequest } from '../../src/client/index.js';
import { testDatabases } from '../support/databases.js';
import { eventually, replicaWorld, wire, type ReplicaWorld, type Wire } from '../support/replica.js';

describe.each(testDatabases())('the replica on $name', (db) => {
  let world: ReplicaWorld;
  let net: Wire;
  let replica: Replica;
  beforeAll(async () => {
    world = await replicaWorld(db);
    net = wire();
    replica = await world.replica(net);
  });
  afterAll(async () => {
    await world?.close();
  });

  /**
   * Asks through the server until the replica keeps the answer (an answer asked while a change of
   * its key was on the stream, such as its own creation, is not kept), then shows the replica
   * answers it itself.
   */
  async function cached(request: VerifyRequest, code = 'VALID', by = replica, on = net): Promise<void> {
    for (let tries = 0; tries < 50 && by.verifyCached(request) === undefined; tries++) {
      expect((await by.verify(request)).code).toBe(code);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const before = on.verifies;
    expect(by.verifyCached(request)?.code).toBe(code);
    expect((await by.verify(request)).code).toBe(code);
    expect(on.verifies, 'the replica asked the server again').toBe(before);
  }

  /** Once the stream delivered the change, the cached verdict is gone and the server's new one is answered. */
  async function afterTheChange(request: VerifyRequest, code: string): Promise<void> {
    await eventually('the stream evicts the verdict', () => replica.verifyCached(request) === undefined);
    expect((await replica.verify(request)).code).toBe(code);
    expect(replica.verifyCached(request)?.code ?? code).toBe(code);
  }

  it('answers a verdict it was given in-process, synchronously, without asking the server', async () => {
    const { key } = await world.key({ permissions: ['functions.execute'] });
    await cached({ key, permission: 'functions.execute' });
    await cached({ key, permission: 'library.generate' }, 'FORBIDDEN');
  });

  it('never serves a revoked key once the stream delivered the revocation', async () => {
    const made = await world.key();
    await cached({ key: made.key });
    expect((await world.seeded.admin.post(`/v1/keys/${made.id}/revoke`)).status).toBe(200);
    await afterTheChange({ key: made.key }, 'REVOKED');
  });

  it('never serves a disabled key once the stream delivered it', async () => {
    const made = await world.key();
    await cached({ key: made.key });
    expect((await world.seeded.admin.patch(`/v1/keys/${made.id}`, { enabled: false })).status).toBe(200);
    await afterTheChange({ key: made.key }, 'DISABLED');
  });

  it('never serves a permission taken from the key once the stream delivered it, directly or through a policy', async () => {
    const made = await world.key({ permissions: ['functions.execute'] });
    await cached({ key: made.key, permission: 'functions.execute' });
    expect((await world.seeded.admin.patch(`/v1/keys/${made.id}`, { permissions: [] })).status).toBe(200);
    await afterTheChange({ key: made.key, permission: 'functions.execute' }, 'FORBIDDEN');

    const policy = await world.seeded.admin.post('/v1/policies', {
      name: 'runners',
      permissions: ['functions.execute'],
    });
    const linked = await world.key({ policyIds: [policy.body.id] });
    await cached({ key: linked.key, permission: 'functions.execute' });
    expect((await world.seeded.admin.patch(`/v1/policies/${policy.body.id}`, { permissions: [] })).status).toBe(200);
    await afterTheChange({ key: linked.key, permission: 'functions.execute' }, 'FORBIDDEN');
  });

  it('never serves a key at or past its expiry', async () => {
    const made = await world.key({ expiresInDays: 1 });
    await cached({ key: made.key });
    world.clock.advance(DAY_MS + 1000);
    // Fresh again (a heartbeat since the clock moved): what refuses the verdict is the expiry, not staleness.
    await eventually('the replica is fresh', () => replica.fresh());
    expect(replica.verifyCached({ key: made.key })).toBeUndefined();
    expect((await replica.verify({ key: made.key })).code).toBe('EXPIRED');
  });

  it('never answers for an address outside the key’s allowlist, nor after the allowlist changed', async () => {
    const made = await world.key({ ipAllowlist: ['10.0.0.0/8'] });
    await cached({ key: made.key, clientIp: '10.1.2.3' });
    expect(replica.verifyCached({ key: made.key, clientIp: '192.0.2.1' })).toBeUndefined();
    expect(replica.verifyCached({ key: made.key })).toBeUndefined();
    expect((await replica.verify({ key: made.key, clientIp: '192.0.2.1' })).code).toBe('FORBIDDEN');
    expect((await world.seeded.admin.patch(`/v1/keys/${made.id}`, { ipAllowlist: ['192.0.2.0/24'] })).status).toBe(200);
    await afterTheChange({ key: made.key, clientIp: '10.1.2.3' }, 'FORBIDDEN');
  });

  it('asks the server every time for a metered key (rate limits, credits)', async () => {
    const limited = await world.key({ ratelimits: [{ name: 'rps', limit: 1000, durationMs: 1000 }] });
    const metered = await world.key({ credits: { remaining: 100 } });
    for (const made of [limited, metered]) {
      const before = net.verifies;
      await replica.verify({ key: made.key });
      await replica.verify({ key: made.key });
      expect(replica.verifyCached({ key: made.key })).toBeUndefined();
      expect(net.verifies - before).toBe(2);
    }
  });

  it('sends the verifies it answered back to the server, counted in the key’s usage', async () => {
    const made = await world.key();
    const asked = net.verifies;
    await cached({ key: made.key });
    for (let n = 0; n < 5; n++) replica.verifyCached({ key: made.key });
    await replica.close();
    const usage = await world.seeded.admin.get(`/v1/keys/${made.id}/usage`);
    // Those asked of the server, three answered in `cached` (its last check, then two), five here.
    expect(usage.body.total).toBe(net.verifies - asked + 8);
    replica = await world.replica(net);
  });

  it('fails closed without the stream: past the staleness bound it asks the server, and refuses when it cannot', async () => {
    const own = wire();
    const lonely = await world.replica(own, { maxStalenessMs: 1000 });
    const made = await world.key();
    await cached({ key: made.key }, 'VALID', lonely, own);
    own.cutStream();
    world.clock.advance(1001);
    expect(lonely.fresh()).toBe(false);
    expect(lonely.verifyCached({ key: made.key })).toBeUndefined();
    const before = own.verifies;
    expect((await lonely.verify({ key: made.key })).code).toBe('VALID');
    expect(own.verifies).toBe(before + 1);
    own.serverDown = true;
    await expect(lonely.verify({ key: made.key })).rejects.toBeInstanceOf(KeywardUnavailableError);
  });
});
