import { describe, expect, it } from 'vitest';
import type { LeaseRenewal, Renewed } from '../storage/credit-leases.js';
import type { Lease } from './credit-lease-state.js';
import { leaseWrites } from './credit-lease-writes.js';

function lease(): Lease {
  return {
    id: 'lease-1',
    keyId: 'key-1',
    amount: 400,
    spent: 100,
    mark: 128,
    renewing: 0,
    dead: false,
    balance: 1000,
    period: null,
    periodEnd: null,
    takenAt: 0,
    expiresAt: 30_000,
    since: 0,
    spentSince: 0,
    topUpAfter: 15_000,
    block: 400,
    full: false,
  };
}

/** A store whose renewal transactions each wait until the test lets them land, in any order. */
function heldStore() {
  const waiting: Array<{ renewals: readonly LeaseRenewal[]; land: () => void }> = [];
  return {
    waiting,
    renewAll(renewals: readonly LeaseRenewal[]): Promise<ReadonlyMap<string, Renewed>> {
      return new Promise((resolve) => {
        waiting.push({
          renewals,
          land: () => resolve(new Map(renewals.map((renewal) => [renewal.leaseId, {}]))),
        });
      });
    },
  };
}

const turns = async (count = 5) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('lease writes', () => {
  it('a block on its way back waits for every renewal of it still writing, not only for the last asked', async () => {
    const store = heldStore();
    const writes = leaseWrites(
      store,
      () => undefined,
      (error) => expect.fail(String(error)),
    );
    const block = lease();
    // A top-up sent, then a raise the holder needs at once: two transactions of one block under way.
    void writes.renew(block, { extra: 50, expiresAt: 60_000, mark: 200 }, true);
    await turns();
    void writes.renew(block, { extra: 0, expiresAt: null, mark: 240 }, true);
    await turns();
    expect(store.waiting).toHaveLength(2);

    // The raise, a statement, lands first; then the block starts on its way back, the top-up still writing.
    store.waiting[1]?.land();
    await turns();
    let retired = false;
    void writes.retiring(block).then(() => {
      retired = true;
    });
    await turns();
    // The top-up holds (on PostgreSQL) the key's row and goes on to the lease's: a give-back or
    // take now would delete the lease's row, then wait for the key's, and the two deadlock.
    expect(retired).toBe(false);
    store.waiting[0]?.land();
    await turns();
    expect(retired).toBe(true);
    expect(block.renewing).toBe(0);
  });
});
