/**
 * Credit leases (issue 27 item 2) against real storage, several holders on one database standing
 * for several nodes: a key spent rarely is spent exactly (one UPDATE each, no block); a key spent
 * LEASE_AFTER times within a lifetime takes a block sized by that rate, and a node spends it in
 * memory (one write per block, not per verify); the
 * holders together never spend more than the key had, under concurrency, and exactly all of it
 * once their leases go back; a refused spend spends nothing; a holder's shutdown gives back its
 * unspent block; a lost holder's block comes back by the sweep after its expiry, less only what
 * it had marked spent; a refill happens once per period with leases out, and a block from the
 * period before is never given back into the new one.
 */
import { describe, expect, it } from 'vitest';
import { insertKey } from '../../src/modules/keys/keys.repository.js';
import { creditSpends } from '../../src/storage/credit-spend.js';
import { type LeaseStore, leaseStore, type Renewed, voidLeases } from '../../src/storage/credit-leases.js';
import {
  createLeasedSpender,
  LEASE_AFTER,
  LEASE_WORTH,
  type LeasedSpender,
  MAX_LEASE,
  MIN_LEASE,
} from '../../src/verify/credit-leases.js';
import { LEASE_BATCH_MS } from '../../src/verify/lease-batch.js';
import { freshDatabaseEachTest, testDatabases } from '../support/databases.js';
import { keyRowWith } from '../support/rows.js';

const LIFETIME = 30_000;
const PLAIN = { refill: null, timeZone: 'UTC' };
const DAILY = { refill: { amount: 100, interval: 'day' as const }, timeZone: 'UTC' };
const NOON = Date.UTC(2026, 2, 1, 12);

describe.each(testDatabases())('credit leases on $name', (testDb) => {
  const database = freshDatabaseEachTest(testDb);
  const db = () => database().storage.db;

  async function meteredKey(remaining: number, refill = false): Promise<string> {
    const id = `key_${Math.random().toString(36).slice(2)}`;
    await insertKey(
      db(),
      keyRowWith({
        id,
        key_hash: id,
        credits_remaining: remaining,
        credits_refill_amount: refill ? 100 : null,
        credits_refill_interval: refill ? 'day' : null,
        credits_period: refill ? '2026-03-01' : null,
        credits_period_end: refill ? Date.UTC(2026, 2, 2) : null,
      }),
    );
    return id;
  }
  const stored = async (id: string) =>
    Number(
      (await db().selectFrom('api_keys').select('credits_remaining').where('id', '=', id).executeTakeFirstOrThrow())
        .credits_remaining,
    );
  const leaseRows = () => db().selectFrom('credit_leases').selectAll().execute();
  /** One block of `amount` taken straight from storage, marked `mark`, for a lifetime from NOON. */
  const takeOne = async (store: LeaseStore, keyId: string, amount: number, mark: number) =>
    (await store.takeAll([{ keyId, amount, mark, period: null, now: NOON, expiresAt: NOON + LIFETIME }]))[0];

  /** A node's holder, its writes counted, on a clock the test moves. */
  /** `random`: where between half and three quarters of a lifetime top-ups are due (0: at half). */
  function node(clock: { at: number }, lifetimeMs = LIFETIME, random = () => 0) {
    const store = leaseStore(db());
    // `takes` counts blocks taken, `takeTransactions` the transactions they went in; `marks` and
    // `topUps` count the transactions of renewals holding a raise of a mark alone, or a top-up.
    const writes = { takes: 0, takeTransactions: 0, marks: 0, topUps: 0, gives: 0, spends: 0 };
    /** When each transaction with top-ups went (on the test's clock), and whose blocks it topped up. */
    const toppedUp: Array<{ at: number; keys: string[] }> = [];
    const underWay = new Set<Promise<unknown>>();
    const counted: LeaseStore = {
      takeAll: (asks) => {
        writes.takes += asks.length;
        writes.takeTransactions++;
        return store.takeAll(asks);
      },
      renewAll: (renewals) => {
        if (renewals.some((renewal) => renewal.expiresAt === null)) writes.marks++;
        const topped = renewals.filter((renewal) => renewal.expiresAt !== null);
        if (topped.length > 0) {
          writes.topUps++;
          toppedUp.push({ at: clock.at, keys: topped.map((renewal) => renewal.keyId).sort() });
        }
        const written = store.renewAll(renewals);
        underWay.add(written);
        const done = () => underWay.delete(written);
        written.then(done, done);
        return written;
      },
      giveAll: (returned) => {
        writes.gives += returned.length;
        return store.giveAll(returned);
      },
      sweep: store.sweep,
    };
    const exact = creditSpends(db());
    const spender: LeasedSpender = createLeasedSpender(
      {
        leases: counted,
        spendCredits: (...args) => {
          writes.spends++;
          return exact(...args);
        },
      },
      { lifetimeMs, now: () => clock.at, onError: (error) => expect.fail(String(error)), random },
    );
    /**
     * Renewals asked for so far are written: their batch's wait is over and every transaction
     * under way has committed. A fixed sleep a few ms past the wait failed in CI when a loaded
     * PostgreSQL took longer, and the block ran out before its top-up landed.
     */
    const landed = async () => {
      await new Promise((resolve) => setTimeout(resolve, LEASE_BATCH_MS));
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(underWay);
    };
    return { spender, writes, toppedUp, landed };
  }

  /**
   * Each key spent once a second for `seconds`, answering what each spend left; the clock stops
   * while renewals wait their 10 ms for others and are written.
   */
  async function everySecond(
    { spender, landed }: Pick<ReturnType<typeof node>, 'spender' | 'landed'>,
    ids: readonly string[],
    clock: { at: number },
    seconds: number,
  ) {
    const answers: number[][] = ids.map(() => []);
    for (let i = 0; i < seconds; i++) {
      for (const [n, id] of ids.entries()) answers[n]?.push((await spender.spend(id, PLAIN, 1, clock.at)).remaining);
      await landed();
      clock.at += 1000;
    }
    return answers;
  }

  it('spends a key used fewer than LEASE_AFTER times a lifetime exactly: one write each, `remaining` exact on every node', async () => {
    const id = await meteredKey(1000);
    const clock = { at: NOON };
    const [first, second] = [node(clock), node(clock)];
    const answers = [];
    // Just under the rate that takes a block, for three lifetimes, on two nodes in turn.
    for (let i = 0; i < 3 * LEASE_AFTER; i++) {
      const { spender } = i % 2 === 0 ? first : second;
      answers.push((await spender.spend(id, PLAIN, 1, clock.at)).remaining);
      clock.at += Math.ceil(LIFETIME / (LEASE_AFTER - 1)) + 1;
    }
    expect(answers).toEqual(Array.from({ length: 3 * LEASE_AFTER }, (_, i) => 999 - i));
    expect(first.writes.takes + second.writes.takes).toBe(0);
    expect(first.writes.spends + second.writes.spends).toBe(3 * LEASE_AFTER);
    // The sweep forgets counts older than a lifetime: a key spent again later starts over, exactly.
    await first.spender.sweep(clock.at + LIFETIME);
    expect((await first.spender.spend(id, PLAIN, 1, clock.at + LIFETIME)).remaining).toBe(999 - 3 * LEASE_AFTER);
    expect(first.writes.takes).toBe(0);
    expect(await stored(id)).toBe(999 - 3 * LEASE_AFTER);
  });

  it('spends a key used often in a lifetime, but slower than LEASE_WORTH a lifetime, exactly', async () => {
    const id = await meteredKey(1000);
    const clock = { at: NOON };
    const { spender, writes } = node(clock);
    // Half the rate a block is worth: twice LEASE_AFTER spends, all within a lifetime.
    const step = Math.ceil(LIFETIME / (LEASE_WORTH / 2));
    const spends = Math.min(2 * LEASE_AFTER, LEASE_WORTH / 2);
    for (let i = 0; i < spends; i++) {
      expect(await spender.spend(id, PLAIN, 1, clock.at)).toEqual({ spent: true, remaining: 999 - i });
      clock.at += step;
    }
    expect(writes).toMatchObject({ takes: 0, spends });
    expect(await stored(id)).toBe(1000 - spends);
  });

  it('spends a key used LEASE_AFTER times in a lifetime from one block sized for a lifetime at that rate, `remaining` exact on the node', async () => {
    const id = await meteredKey(1000);
    const clock = { at: NOON };
    const { spender, writes } = node(clock);
    const answers = [];
    // One spend a second: a block for the 30 a lifetime of 30 s takes at that rate.
    for (let i = 0; i < 30; i++) {
      answers.push(await spender.spend(id, PLAIN, 1, clock.at));
      clock.at += 1000;
    }
    expect(answers.map((answer) => answer.remaining)).toEqual(Array.from({ length: 30 }, (_, i) => 999 - i));
    expect(writes).toMatchObject({ takes: 1, marks: 0, gives: 0, spends: LEASE_AFTER });
    const block = LIFETIME / 1000;
    expect(spender.unspent(id)).toBe(block - (30 - LEASE_AFTER));
    expect(await stored(id)).toBe(1000 - LEASE_AFTER - block);
    // Half a lifetime after the take it asked for a top-up, still waiting for others: a shutdown
    // sends it first, then gives back all the block holds beyond what was spent.
    await spender.close();
    expect(writes).toMatchObject({ topUps: 1, gives: 1 });
    expect(await stored(id)).toBe(1000 - 30);
    expect(await leaseRows()).toEqual([]);
  });

  it('keeps one block for a key spent steadily for three lifetimes, topped up each half lifetime with others in one transaction', async () => {
    const ids = [await meteredKey(1000), await meteredKey(1000)];
    const clock = { at: NOON };
    const holder = node(clock);
    const { spender, writes } = holder;
    const answers = await everySecond(holder, ids, clock, 90);
    const exact = Array.from({ length: 90 }, (_, i) => 999 - i);
    expect(answers).toEqual([exact, exact]);
    // One block each, never given back or taken anew; top-ups every half lifetime, both keys' at
    // once, and no raise of a mark between them: each top-up raised it a step past what was spent,
    // and half a lifetime at this rate spends less than that.
    expect(writes).toMatchObject({ takes: 2, gives: 0, spends: 2 * LEASE_AFTER, marks: 0 });
    expect(writes.topUps).toBeGreaterThanOrEqual(5);
    expect(writes.topUps).toBeLessThanOrEqual(7);
    const rows = await leaseRows();
    expect(rows).toHaveLength(2);
    for (const [n, id] of ids.entries()) {
      const row = rows.find((lease) => lease.key_id === id);
      // Expiry a lifetime past the last top-up, under a lifetime from now.
      expect(Number(row?.expires_at)).toBeGreaterThan(clock.at);
      expect(Number(row?.expires_at)).toBeLessThanOrEqual(clock.at + LIFETIME);
      // What the node holds and what is stored make the key's balance exactly.
      expect(spender.unspent(id) + (await stored(id))).toBe(answers[n]?.at(-1));
    }
    await spender.close();
    for (const id of ids) expect(await stored(id)).toBe(1000 - 90);
    expect(await leaseRows()).toEqual([]);
  });

  it('tops up blocks taken together at points drawn between half and three quarters of a lifetime, not all at once', async () => {
    const ids = [await meteredKey(1000), await meteredKey(1000)].sort();
    const clock = { at: NOON };
    // The first key's draws are the earliest point, the second's the latest.
    let draw = 0;
    const holder = node(clock, LIFETIME, () => (draw++ % 2 === 0 ? 0 : 0.999));
    const { spender, writes, toppedUp } = holder;
    const answers = await everySecond(holder, ids, clock, 60);
    const exact = Array.from({ length: 60 }, (_, i) => 999 - i);
    expect(answers).toEqual([exact, exact]);
    // Both blocks were taken at the same spend (NOON + 4 s): their first top-ups came half a
    // lifetime and just under three quarters of one after it, each in a transaction of its own.
    const taken = NOON + LEASE_AFTER * 1000;
    expect(toppedUp[0]).toEqual({ at: taken + LIFETIME / 2, keys: [ids[0]] });
    expect(toppedUp[1]?.keys).toEqual([ids[1]]);
    expect(toppedUp[1]?.at).toBeGreaterThan(taken + LIFETIME / 2 + LIFETIME / 5);
    expect(toppedUp[1]?.at).toBeLessThanOrEqual(taken + (3 * LIFETIME) / 4);
    // Each block still landed its top-ups before it expired: one block each all along.
    expect(writes).toMatchObject({ takes: 2, gives: 0, spends: 2 * LEASE_AFTER });
    await spender.close();
    for (const id of ids) expect(await stored(id)).toBe(1000 - 60);
  });

  it('takes the next block in the transaction that gives back the one spent out, sized by the rate that one went at', async () => {
    const id = await meteredKey(1000);
    const clock = { at: NOON };
    const { spender, writes } = node(clock);
    const answers = [];
    // One spend a second takes a block of 30 (as above); then two a second spend it out in 15 s.
    for (let i = 0; i < LEASE_AFTER; i++) {
      answers.push(await spender.spend(id, PLAIN, 1, clock.at));
      clock.at += 1000;
    }
    for (let i = 0; i < 31; i++) {
      answers.push(await spender.spend(id, PLAIN, 1, clock.at));
      clock.at += 500;
    }
    expect(answers.map((answer) => answer.remaining)).toEqual(Array.from({ length: 35 }, (_, i) => 999 - i));
    // The second block: 30 credits in 15 s is 60 a lifetime. One lease row, no separate give-back.
    expect(writes).toMatchObject({ takes: 2, marks: 0, gives: 0, spends: LEASE_AFTER });
    expect(await leaseRows()).toMatchObject([{ key_id: id, amount: 60 }]);
    expect(spender.unspent(id)).toBe(59);
    expect(await stored(id)).toBe(1000 - LEASE_AFTER - 30 - 60);
    await spender.close();
    expect(await stored(id)).toBe(1000 - 35);
    expect(await leaseRows()).toEqual([]);
  });

  it('takes the blocks of keys asked for in one turn in one transaction; a key whose balance no longer covers one gets none, the others theirs', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => meteredKey(100_000)));
    const drained = await meteredKey(100_000);
    const all = [...ids, drained];
    const clock = { at: NOON };
    const { spender, writes } = node(clock);
    // LEASE_AFTER exact spends each, one key at a time; then the spend of each that takes its block, all at once.
    for (const id of all)
      for (let i = 0; i < LEASE_AFTER; i++) expect((await spender.spend(id, PLAIN, 1, clock.at)).spent).toBe(true);
    // Another node spends all of one key meanwhile: this node still thinks a block is there to take.
    await db().updateTable('api_keys').set({ credits_remaining: 0 }).where('id', '=', drained).execute();
    const answers = await Promise.all(all.map((id) => spender.spend(id, PLAIN, 1, clock.at)));
    // The drained key's take found nothing to take, and its spend, made exactly then, was refused.
    expect(answers.map((answer) => answer.spent)).toEqual([...ids.map(() => true), false]);
    expect(writes).toMatchObject({ takes: all.length, takeTransactions: 1 });
    const rows = await leaseRows();
    expect(rows.map((row) => row.key_id).sort()).toEqual([...ids].sort());
    for (const row of rows) expect(await stored(row.key_id)).toBe(100_000 - LEASE_AFTER - Number(row.amount));
    expect(await stored(drained)).toBe(0);
    await spender.close();
    expect(await leaseRows()).toEqual([]);
    for (const id of ids) expect(await stored(id)).toBe(100_000 - LEASE_AFTER - 1);
  });

  it("raises the marks of many keys' blocks in one transaction", async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => meteredKey(100_000)));
    const clock = { at: NOON };
    const { spender, writes } = node(clock);
    // Spent LEASE_AFTER times at once: each key takes a block of MAX_LEASE, marked a quarter at a time.
    for (const id of ids)
      for (let i = 0; i <= LEASE_AFTER; i++) expect((await spender.spend(id, PLAIN, 1, clock.at)).spent).toBe(true);
    const [block] = await leaseRows();
    const step = Number(block?.spent);
    expect(writes).toMatchObject({ takes: ids.length, marks: 0 });
    // Each key to a quarter of a step from its mark, in turn: each spend that gets there asks for a
    // raise in the background, to a step past what is spent, and all eight keys' wait for one another.
    const spent = step - step / 4;
    for (let i = 1; i < spent; i++) for (const id of ids) await spender.spend(id, PLAIN, 1, clock.at);
    expect(writes.marks).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writes.marks).toBe(1);
    expect((await leaseRows()).map((row) => Number(row.spent))).toEqual(ids.map(() => spent + step));
    await spender.close();
    expect(await leaseRows()).toEqual([]);
  });

  it('never marks more than a step past what it has answered for, whenever it stops', async () => {
    const id = await meteredKey(100_000);
    const clock = { at: NOON };
    const { spender, landed } = node(clock);
    for (let i = 0; i <= LEASE_AFTER; i++) await spender.spend(id, PLAIN, 1, clock.at);
    const step = Number((await leaseRows())[0]?.spent);
    // Spends through a few raises, the background ones let out between spends; at every point the
    // mark is at most a step past the spends, which is all a node killed there loses for good.
    let answered = 1;
    let furthest = 0;
    while (answered < 3 * step) {
      await spender.spend(id, PLAIN, 1, clock.at);
      answered++;
      if (answered % 64 === 0) {
        await landed();
        const mark = Number((await leaseRows())[0]?.spent);
        expect(mark).toBeGreaterThanOrEqual(answered);
        furthest = Math.max(furthest, mark - answered);
      }
    }
    expect(furthest).toBeGreaterThan(step / 2);
    expect(furthest).toBeLessThanOrEqual(step);
    await spender.close();
  });

  it('three nodes, 600 spends at once against 250 credits: exactly 250 spent, never more, and 0 left once leases go back', async () => {
    const id = await meteredKey(250);
    const clock = { at: NOON };
    const nodes = [node(clock), node(clock), node(clock)];
    // Each node has spent the key often enough to spend it from blocks.
    for (const { spender } of nodes)
      for (let i = 0; i < LEASE_AFTER; i++) expect((await spender.spend(id, PLAIN, 1, clock.at)).spent).toBe(true);
    const answers = await Promise.all(
      Array.from({ length: 600 }, (_, i) => nodes[i % 3]?.spender.spend(id, PLAIN, 1, clock.at)),
    );
    expect(nodes.reduce((takes, { writes }) => takes + writes.takes, 0)).toBeGreaterThan(0);
    // A refused spend may come while another node still holds credits: they are spent by later ones.
    let spent = 3 * LEASE_AFTER + answers.filter((answer) => answer?.spent).length;
    expect(spent).toBeLessThanOrEqual(250);
    for (let round = 0; round < 5 && spent < 250; round++)
      for (const { spender } of nodes) while ((await spender.spend(id, PLAIN, 1, clock.at)).spent) spent++;
    expect(spent).toBe(250);
    for (const { spender } of nodes) await spender.close();
    expect(await stored(id)).toBe(0);
    expect(await leaseRows()).toEqual([]);
  });

  it('three nodes spending one key while they top up their blocks never spend more than it had, and exactly all of it once blocks go back', async () => {
    const id = await meteredKey(1000);
    const clock = { at: NOON };
    const nodes = [node(clock), node(clock), node(clock)];
    let spent = 0;
    for (const { spender } of nodes)
      for (let i = 0; i < LEASE_AFTER; i++) if ((await spender.spend(id, PLAIN, 1, clock.at)).spent) spent++;
    // 30 spends at once a round, the clock 8 s on: top-ups asked and sent between rounds, on all
    // three nodes, until the balance runs out and blocks are refused more.
    for (let round = 0; round < 45; round++) {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => nodes[i % 3]?.spender.spend(id, PLAIN, 1, clock.at)),
      );
      spent += answers.filter((answer) => answer?.spent).length;
      expect(spent).toBeLessThanOrEqual(1000);
      await Promise.all(nodes.map(({ landed }) => landed()));
      clock.at += 8000;
    }
    expect(nodes.reduce((topUps, { writes }) => topUps + writes.topUps, 0)).toBeGreaterThan(0);
    for (const { spender } of nodes) await spender.close();
    expect(await leaseRows()).toEqual([]);
    expect(spent + (await stored(id))).toBe(1000);
    // What was left comes out to the last credit, one node after another.
    for (const { spender } of nodes) while ((await spender.spend(id, PLAIN, 1, clock.at)).spent) spent++;
    expect(spent).toBe(1000);
    for (const { spender } of nodes) await spender.close();
    expect(await stored(id)).toBe(0);
  });

  it("gives back several keys' blocks in the order of their keys, so a give-back and another node's renewal of the same keys never deadlock", async () => {
    const ids = (await Promise.all(Array.from({ length: 6 }, () => meteredKey(100_000)))).sort();
    const giver = leaseStore(db());
    const renewer = leaseStore(db());
    const failures: string[] = [];
    const rounds = 15;
    for (let round = 0; round < rounds; round++) {
      const given = await Promise.all(ids.map((id) => takeOne(giver, id, 100, 32)));
      const renewed = await Promise.all(ids.map((id) => takeOne(renewer, id, 100, 32)));
      // One node gives its blocks back as its holder listed them (here: keys last to first), while
      // the other tops up its blocks of the same keys: both write each key's row.
      const giveBack = giver.giveAll(
        given.map((lease, index) => ({ leaseId: lease?.id ?? '', keyId: ids[index] ?? '', spent: 10 })).reverse(),
      );
      const topUp = renewer.renewAll(
        renewed.map((lease, index) => ({
          leaseId: lease?.id ?? '',
          keyId: ids[index] ?? '',
          extra: 5,
          period: null,
          expiresAt: NOON + 2 * LIFETIME,
          mark: 32,
          markIfTopped: 37,
        })),
      );
      for (const settled of await Promise.allSettled([giveBack, topUp]))
        if (settled.status === 'rejected') failures.push(String(settled.reason));
      await renewer.giveAll(
        renewed.map((lease, index) => ({ leaseId: lease?.id ?? '', keyId: ids[index] ?? '', spent: 0 })),
      );
    }
    expect(failures).toEqual([]);
    // Each round spent 10 of each key's first block; everything else came back.
    for (const id of ids) expect(await stored(id)).toBe(100_000 - rounds * 10);
  });

  it('gives back many expired blocks 64 to a transaction, the event loop turning between them', async () => {
    const ids = await Promise.all(Array.from({ length: 200 }, () => meteredKey(1000)));
    const clock = { at: NOON };
    const { spender, writes } = node(clock);
    for (const id of ids) for (let i = 0; i <= LEASE_AFTER; i++) await spender.spend(id, PLAIN, 1, clock.at);
    expect(await leaseRows()).toHaveLength(200);
    clock.at += LIFETIME + 1;
    // Requests are answered meanwhile: on SQLite, one transaction each, all at once, was one
    // chain of promises that let no timer or socket in until the last was given back.
    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    await spender.sweep(clock.at);
    spinning = false;
    expect(turns).toBeGreaterThanOrEqual(Math.ceil(200 / 64));
    expect(writes.gives).toBe(200);
    expect(await leaseRows()).toEqual([]);
    for (const id of ids) expect(await stored(id)).toBe(1000 - LEASE_AFTER - 1);
  });

  it('a PATCH setting the balance, racing top-ups of its blocks, leaves exactly the balance it set', async () => {
    const id = await meteredKey(100_000);
    const store = leaseStore(db());
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await takeOne(store, id, 100, 32));
    const topUp = (leaseId: string | undefined) =>
      store.renewAll([
        {
          leaseId: leaseId ?? '',
          keyId: id,
          extra: 50,
          period: null,
          expiresAt: NOON + 2 * LIFETIME,
          mark: 32,
          markIfTopped: 48,
        },
      ]);
    const topUps = taken.map((lease) => topUp(lease?.id));
    // As PATCH /v1/keys/{id} with credits does: the balance set, and every block of the old one void.
    const patch = db()
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('api_keys').set({ credits_remaining: 500 }).where('id', '=', id).execute();
        await voidLeases(trx, id);
      });
    const later = taken.map((lease) => topUp(lease?.id));
    await Promise.all([...topUps, patch, ...later]);
    expect(await leaseRows()).toEqual([]);
    expect(await stored(id)).toBe(500);
    // A top-up after it finds no block: what it took goes straight back.
    expect((await topUp(taken[0]?.id)).size).toBe(0);
    expect(await stored(id)).toBe(500);
  });

  it('a refused spend spends nothing: neither the block held nor the balance', async () => {
    const id = await meteredKey(100);
    const clock = { at: NOON };
    const { spender, writes } = node(clock);
    for (let i = 1; i <= LEASE_AFTER + 1; i++)
      expect(await spender.spend(id, PLAIN, 1, clock.at)).toEqual({ spent: true, remaining: 100 - i });
    expect(writes.takes).toBe(1);
    const left = 100 - (LEASE_AFTER + 1);
    expect(await spender.spend(id, PLAIN, 500, clock.at)).toEqual({ spent: false, remaining: left });
    expect(await spender.spend(id, PLAIN, 1, clock.at)).toEqual({ spent: true, remaining: left - 1 });
    await spender.close();
    expect(await stored(id)).toBe(left - 1);
  });

  it('a shutdown gives back the unspent block', async () => {
    const id = await meteredKey(1000);
    const clock = { at: NOON };
    const { spender, writes } = node(clock);
    const spends = LEASE_AFTER + 2;
    for (let i = 0; i < spends; i++) await spender.spend(id, PLAIN, 1, clock.at);
    // The first LEASE_AFTER were exact, the rest from a block, which is out of the stored balance.
    expect(writes).toMatchObject({ takes: 1, spends: LEASE_AFTER });
    expect(await stored(id)).toBe(1000 - spends - spender.unspent(id));
    expect(spender.unspent(id)).toBeGreaterThan(0);
    await spender.close();
    expect(writes.gives).toBe(1);
    expect(await stored(id)).toBe(1000 - spends);
    expect(await leaseRows()).toEqual([]);
  });

  it('a lost node’s block comes back after its expiry, less only what it had marked spent', async () => {
    const id = await meteredKey(100_000);
    const clock = { at: NOON };
    const lost = node(clock, 1000);
    let spent = 0;
    // LEASE_AFTER exact spends over a fifth of a lifetime (fast enough to be worth a block): a
    // first block sized for that rate (credits spent × lifetime ÷ the time they took, at least MIN_LEASE).
    const step = Math.floor(200 / (LEASE_AFTER - 1));
    const first = Math.max(MIN_LEASE, Math.ceil((LEASE_AFTER * 1000) / (step * (LEASE_AFTER - 1))));
    for (; spent < LEASE_AFTER; spent++) {
      clock.at += spent === 0 ? 0 : step;
      expect((await lost.spender.spend(id, PLAIN, 1, clock.at)).spent).toBe(true);
    }
    // Then the first block spent out at once: the next is the largest, and 40 of it are spent.
    const last = MAX_LEASE;
    for (; spent < LEASE_AFTER + first + 40; spent++)
      expect((await lost.spender.spend(id, PLAIN, 1, clock.at)).spent).toBe(true);
    // The holder takes blocks and raises its mark beside the spends, not in them: wait until the
    // lease row and the balance stop moving (50 ms was too short on a loaded machine, and a mark
    // raised after a read moved the expected sum by a step).
    let seen = '';
    let still = 0;
    let row: Awaited<ReturnType<typeof leaseRows>>[number] | undefined;
    let before = 0;
    while (still < 3) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      [row] = await leaseRows();
      before = await stored(id);
      const now = `${row?.amount} ${row?.spent} ${before}`;
      still = now === seen ? still + 1 : 0;
      seen = now;
    }
    expect(row).toMatchObject({ amount: last });
    const marked = Number(row?.spent);
    expect(marked).toBeGreaterThanOrEqual(40);
    expect(marked).toBeLessThan(last);
    // Every block taken is out of the stored balance: at most what was not spent is left there.
    expect(before).toBeLessThanOrEqual(100_000 - spent);
    // The holder dies here (never closed). Another node sweeps: not before a lifetime past expiry.
    const other = node(clock, 1000);
    clock.at += 1500;
    expect(await other.spender.sweep(clock.at)).toBe(0);
    clock.at += 1000;
    expect(await other.spender.sweep(clock.at)).toBe(1);
    expect(await stored(id)).toBe(before + last - marked);
    expect(await stored(id)).toBeLessThanOrEqual(100_000 - spent);
    expect(await leaseRows()).toEqual([]);
    // The dead holder's late give-back (a node frozen, not killed) finds the lease gone: nothing twice.
    await lost.spender.close();
    expect(await stored(id)).toBe(before + last - marked);
  });

  it('a raise of the mark never lowers it, and finds the lease whatever order raises land in; a gone lease answers false', async () => {
    const id = await meteredKey(1000);
    const store = leaseStore(db());
    const mark = async (leaseId: string, spent: number) =>
      (
        await store.renewAll([
          { leaseId, keyId: id, extra: 0, period: null, expiresAt: null, mark: spent, markIfTopped: spent },
        ])
      ).has(leaseId);
    const taken = await takeOne(store, id, 512, 128);
    if (taken === undefined) throw new Error('the block was not taken');
    // A holder raising twice at once: the higher lands first, then the lower (the pool may order them so).
    expect(await mark(taken.id, 384)).toBe(true);
    expect(await mark(taken.id, 256)).toBe(true);
    // Many at once, every order the pool picks: all find the lease, the highest stays.
    const marks = [300, 500, 160, 420, 480, 200];
    expect(await Promise.all(marks.map((spent) => mark(taken.id, spent)))).toEqual(marks.map(() => true));
    expect(await leaseRows()).toMatchObject([{ id: taken.id, amount: 512 }]);
    expect(Number((await leaseRows())[0]?.spent)).toBe(500);
    expect(await store.giveAll([{ leaseId: taken.id, keyId: id, spent: 500 }])).toBe(1);
    expect(await mark(taken.id, 510)).toBe(false);
    expect(await stored(id)).toBe(1000 - 500);
  });

  it('a holder whose background raise lands after its own higher one keeps spending the same block', async () => {
    const id = await meteredKey(100_000);
    const clock = { at: NOON };
    const store = leaseStore(db());
    // The first raise (made in the background by a spend) is held until a later, higher one landed.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let late: Promise<ReadonlyMap<string, Renewed>> | undefined;
    const crossing: LeaseStore = {
      ...store,
      renewAll: (renewals) => {
        if (late !== undefined) return store.renewAll(renewals).finally(release);
        late = held.then(() => store.renewAll(renewals));
        return late;
      },
    };
    const spender = createLeasedSpender(
      { leases: crossing, spendCredits: creditSpends(db()) },
      { lifetimeMs: LIFETIME, now: () => clock.at, onError: (error) => expect.fail(String(error)) },
    );
    for (let i = 0; i < LEASE_AFTER + 2000; i++) {
      expect((await spender.spend(id, PLAIN, 1, clock.at)).spent).toBe(true);
      // The background raise goes out once its batch has waited for others (MARK_BATCH_MS).
      if (late === undefined) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(late).toBeDefined();
    expect((await late)?.size).toBe(1);
    // One block, still out and spent from: not given back as if the lease were gone.
    const [row] = await leaseRows();
    expect(row).toBeDefined();
    expect(spender.unspent(id)).toBe(Number(row?.amount) - 2000);
    expect(Number(row?.spent)).toBeGreaterThanOrEqual(2000);
    await spender.close();
    expect(await stored(id)).toBe(100_000 - LEASE_AFTER - 2000);
  });

  it('a refill with leases out happens once, and a block of the period before is not given back into it', async () => {
    const id = await meteredKey(100, true);
    const clock = { at: NOON };
    const [a, b] = [node(clock), node(clock)];
    // LEASE_AFTER + 1 spends each: the last takes a block on each node.
    for (let i = 0; i < LEASE_AFTER + 1; i++)
      for (const { spender } of [a, b])
        expect(await spender.spend(id, DAILY, 1, clock.at)).toMatchObject({ spent: true });
    expect(await leaseRows()).toHaveLength(2);
    // Midnight: both blocks end with their period.
    clock.at = Date.UTC(2026, 2, 2, 0, 30);
    const after = await Promise.all([
      a.spender.spend(id, DAILY, 1, clock.at),
      b.spender.spend(id, DAILY, 1, clock.at),
      a.spender.spend(id, DAILY, 1, clock.at),
    ]);
    expect(after.every((answer) => answer.spent)).toBe(true);
    await a.spender.close();
    await b.spender.close();
    // Refilled to 100 once, 3 spent since: what was left of yesterday's blocks lapsed with it.
    expect(await stored(id)).toBe(97);
    const period = await db()
      .selectFrom('api_keys')
      .select(['credits_period'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(period.credits_period).toBe('2026-03-02');
  });

  it('a key changed (a PATCH of its balance) has its lease given back, and spends anew from what is stored', async () => {
    const id = await meteredKey(1000);
    const clock = { at: NOON };
    const { spender } = node(clock);
    for (let i = 0; i < LEASE_AFTER + 1; i++) await spender.spend(id, PLAIN, 1, clock.at);
    expect(spender.unspent(id)).toBeGreaterThan(0);
    spender.forget(id);
    expect(spender.unspent(id)).toBe(0);
    expect(await spender.spend(id, PLAIN, 1, clock.at)).toEqual({ spent: true, remaining: 1000 - LEASE_AFTER - 2 });
    await spender.close();
    expect(await stored(id)).toBe(1000 - LEASE_AFTER - 2);
  });
});
