/**
 * Races on a key's credits while a node holds a block of them (issue 27, credit leases): spends
 * above the block, and a block's top-up (written in the background, LEASE_BATCH_MS after the
 * spend that made it due) meeting a PATCH of the balance from the other node.
 */
import { sql } from 'kysely';
import { BALANCE_SHARE, LEASE_AFTER } from '../../../src/verify/credit-lease-state.js';
import { LEASE_BATCH_MS } from '../../../src/verify/lease-batch.js';
import type { RaceNode, RaceWorld } from '../concurrency-world.js';
import { appKey, race, type AnyRace } from './race.js';

/** Verifies of the leased key before its race: enough for its node to spend it from a block. */
const WARM_SPENDS = LEASE_AFTER + 1;

/** Credits of a key whose block is topped up in its race. */
const TOPPED_CREDITS = 400;

/**
 * The block the first node takes on the last warm spend: a quarter of the balance the exact spends
 * left (the warm spends are quick, so the rate would ask for far more), one credit of it spent.
 */
const BLOCK = Math.floor((TOPPED_CREDITS - LEASE_AFTER) / BALANCE_SHARE);

/** A spend leaving an eighth of the block: past three quarters spent, so its top-up is due. */
const TOP_UP_SPEND = BLOCK - 1 - Math.floor(BLOCK / 8);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a give-back may take to reach storage once the node has heard of the change. */
const GIVE_BACK_WAIT_MS = 3_000;

/** A key with credits, verified `spends` times on the first node (WARM_SPENDS: it then holds a block). */
async function leasedKey(
  world: RaceWorld,
  remaining: number,
  spends = WARM_SPENDS,
): Promise<{ id: string; key: string }> {
  const key = await appKey(world, { credits: { remaining } });
  for (let i = 0; i < spends; i++) {
    const warm = await world.nodes[0].call('POST', '/v1/verify', world.adminKey, { key: key.key });
    if (warm.body?.code !== 'VALID') throw new Error(`warm-up verify: ${JSON.stringify(warm.body)}`);
  }
  return key;
}

/**
 * The key's `remaining` as the first node reads it (stored plus what it holds) once that node has
 * followed the PATCH: a change each node follows by dropping its block, given back unless the
 * PATCH voided it. Until then the node's read is the documented bound of a node behind the change
 * log, so the read waits (up to GIVE_BACK_WAIT_MS) until the key has no lease rows and the node
 * holds nothing more than is stored. A node that took a new block after following the PATCH (its
 * spend came after) holds it for a lifetime: the wait runs out, and the read must still be exact.
 */
async function settledRemaining(world: RaceWorld, keyId: string): Promise<unknown> {
  const deadline = Date.now() + GIVE_BACK_WAIT_MS;
  const settled = async (): Promise<{ done: boolean; remaining: unknown }> => {
    const leases = await world.db
      .selectFrom('credit_leases')
      .select(sql<number>`count(*)`.as('n'))
      .where('key_id', '=', keyId)
      .executeTakeFirstOrThrow();
    const stored = await world.db
      .selectFrom('api_keys')
      .select('credits_remaining')
      .where('id', '=', keyId)
      .executeTakeFirstOrThrow();
    const remaining = (await world.read(`/v1/keys/${keyId}`)).body.credits?.remaining;
    return { done: Number(leases.n) === 0 && remaining === Number(stored.credits_remaining), remaining };
  };
  let read = await settled();
  while (!read.done && Date.now() < deadline) {
    await pause(20);
    read = await settled();
  }
  return { remaining: read.remaining };
}

/**
 * The other node's PATCH of a key, delayed by a step more in each trial in turn: the top-up goes
 * LEASE_BATCH_MS after the spend answers, so across the trials the PATCH lands before it, on it
 * and after it. Each race row has its own, so its trials see every delay.
 */
function patchAfterDelays(body: Record<string, unknown>) {
  let trial = 0;
  return async (node: RaceNode, keyId: string | undefined, world: RaceWorld) => {
    await pause(((trial++ % 5) * LEASE_BATCH_MS) / 2);
    return node.call('PATCH', `/v1/keys/${keyId}`, world.adminKey, body);
  };
}

const addCredits = patchAfterDelays({ creditsAdd: 10 });
const setBalance = patchAfterDelays({ credits: { remaining: 500 } });
const setOneBalance = patchAfterDelays({ credits: { remaining: 500 } });

const verifyBoth = (node: RaceNode, keys: readonly { key: string }[], world: RaceWorld) =>
  Promise.all(keys.map(({ key }) => node.call('POST', '/v1/verify', world.adminKey, { key })));

export const LEASE_RACES: readonly AnyRace[] = [
  race({
    // After LEASE_AFTER exact spends the first node holds a block of the 64 credits (one of it
    // spent) when each node asks for 40 at once. The first must give its block back to cover 40, the
    // second takes a block of 40 or spends directly: exactly one is VALID, and nothing is spent
    // twice or lost (64 - WARM_SPENDS - 40 once the leases are back, which the read on a node adds).
    name: 'credit spends above a held lease, on two nodes',
    setup: (world) => leasedKey(world, 64),
    a: (node, key, world) => node.call('POST', '/v1/verify', world.adminKey, { key: key.key, cost: 40 }),
    b: (node, key, world) => node.call('POST', '/v1/verify', world.adminKey, { key: key.key, cost: 40 }),
    outcome: { a: (reply) => reply.body?.code, b: (reply) => reply.body?.code },
    observe: async (world, key) => ({ remaining: (await world.read(`/v1/keys/${key.id}`)).body.credits?.remaining }),
    serial: () => [
      { order: 'a, b', a: 'VALID', b: 'USAGE_EXCEEDED', end: { remaining: 64 - WARM_SPENDS - 40 } },
      { order: 'b, a', a: 'USAGE_EXCEEDED', b: 'VALID', end: { remaining: 64 - WARM_SPENDS - 40 } },
    ],
  }),
  race({
    // The first node's spend makes its block's top-up due (renewAll: credits off the balance onto
    // the lease row) while the other node adds credits to the same balance. Neither write reads
    // the balance back: whatever their order, the credits added are there and the top-up's are
    // given back with the block, once the node follows the PATCH.
    name: "a held block's top-up vs credits added on another node",
    setup: (world) => leasedKey(world, TOPPED_CREDITS),
    a: (node, key, world) => node.call('POST', '/v1/verify', world.adminKey, { key: key.key, cost: TOP_UP_SPEND }),
    b: (node, key, world) => addCredits(node, key.id, world),
    outcome: { a: (reply) => reply.body?.code },
    observe: (world, key) => settledRemaining(world, key.id),
    serial: () => {
      const end = { remaining: TOPPED_CREDITS - WARM_SPENDS - TOP_UP_SPEND + 10 };
      return [
        { order: 'a, b', a: 'VALID', b: 200, end },
        { order: 'b, a', a: 'VALID', b: 200, end },
      ];
    },
  }),
  race({
    // The same top-up while the other node sets the balance: the balance set is the balance, and
    // every block of the old one is void. A top-up that lands first is dropped with its block; one
    // that lands after finds no block and puts back what it took, in its own transaction.
    name: "a held block's top-up vs the balance set on another node",
    setup: (world) => leasedKey(world, TOPPED_CREDITS),
    a: (node, key, world) => node.call('POST', '/v1/verify', world.adminKey, { key: key.key, cost: TOP_UP_SPEND }),
    b: (node, key, world) => setBalance(node, key.id, world),
    outcome: { a: (reply) => reply.body?.code },
    observe: (world, key) => settledRemaining(world, key.id),
    serial: () => [
      { order: 'a, b', a: 'VALID', b: 200, end: { remaining: 500 } },
      { order: 'b, a', a: 'VALID', b: 200, end: { remaining: 500 - TOP_UP_SPEND } },
    ],
  }),
  race({
    // Two keys each spent LEASE_AFTER times on the first node, then verified at once there: both
    // take their blocks in one transaction (lease-takes.ts) while the other node sets the balance of
    // one. A block taken before the PATCH is void with it (its spend lost with the old balance); a
    // take after it takes from the balance set. The other key's block is untouched either way.
    name: "two keys' blocks taken in one transaction vs one key's balance set on another node",
    setup: async (world) => [
      await leasedKey(world, TOPPED_CREDITS, LEASE_AFTER),
      await leasedKey(world, TOPPED_CREDITS, LEASE_AFTER),
    ],
    a: async (node, keys, world) => {
      const replies = await verifyBoth(node, keys, world);
      return {
        status: replies[0]?.status ?? 0,
        headers: {},
        body: { code: replies.map((reply) => reply.body?.code).join(',') },
      };
    },
    b: (node, [patched], world) => setOneBalance(node, patched?.id, world),
    outcome: { a: (reply) => reply.body?.code },
    observe: async (world, [patched, other]) => ({
      patched: await settledRemaining(world, patched?.id ?? ''),
      // The first node holds the other key's block: its read is stored plus that, exact.
      other: (await world.read(`/v1/keys/${other?.id}`)).body.credits?.remaining,
    }),
    serial: () => {
      const other = TOPPED_CREDITS - LEASE_AFTER - 1;
      return [
        { order: 'a, b', a: 'VALID,VALID', b: 200, end: { patched: { remaining: 500 }, other } },
        { order: 'b, a', a: 'VALID,VALID', b: 200, end: { patched: { remaining: 499 }, other } },
      ];
    },
  }),
];
