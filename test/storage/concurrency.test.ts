/**
 * The concurrency contract (SPEC §4, "Decisions hold under concurrency"), on every database: for
 * each row of the race table, many trials of two writes to one object sent at the same instant
 * (on PostgreSQL to two nodes). Each trial must answer and end as one of the two serial orders
 * would. A new write route adds its row to races/*.ts; this file only runs the table.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import type { Reply } from '../support/keyward.js';
import { openRaceWorld, type RaceWorld } from './concurrency-world.js';
import { DELEGATED_RACES } from './races/delegated-races.js';
import { ADOPTION_RACES } from './races/adoption-races.js';
import { KEY_RACES } from './races/key-races.js';
import { LEASE_RACES } from './races/lease-races.js';
import { PEOPLE_RACES } from './races/people-races.js';
import { PLACE_RACES } from './races/place-races.js';
import { ROLLUP_RACES } from './races/rollup-races.js';
import { WEBHOOK_RACES } from './races/webhook-races.js';
import type { AnyRace, Outcome, SerialOrder } from './races/race.js';
import { WEBHOOK_KEY_RACES } from './races/webhook-key-races.js';
import { SSO_RACES } from './races/sso-races.js';

const RACES: readonly AnyRace[] = [
  ...KEY_RACES,
  ...LEASE_RACES,
  ...PEOPLE_RACES,
  ...PLACE_RACES,
  ...WEBHOOK_RACES,
  ...WEBHOOK_KEY_RACES,
  ...DELEGATED_RACES,
  ...ADOPTION_RACES,
  ...SSO_RACES,
  ...ROLLUP_RACES,
];

/**
 * Trials per row and database. On PostgreSQL the unlocked code broke most rows in well under
 * this many; SQLite's single writer serializes every trial, so fewer prove the same there.
 */
const TRIALS = { postgres: 12, sqlite: 8 } as const;

interface Seen {
  readonly a: Outcome;
  readonly b: Outcome;
  readonly end: unknown;
}

function allows(expected: Outcome | readonly Outcome[], actual: Outcome): boolean {
  return Array.isArray(expected) ? expected.includes(actual) : expected === actual;
}

function matches(order: SerialOrder, seen: Seen): boolean {
  return allows(order.a, seen.a) && allows(order.b, seen.b) && JSON.stringify(order.end) === JSON.stringify(seen.end);
}

async function trial(
  world: RaceWorld,
  row: AnyRace,
): Promise<{ seen: Seen; serial: readonly SerialOrder[]; answers: readonly [Reply, Reply] }> {
  const state = await row.setup(world);
  const [first, second] = world.nodes;
  const answers = await Promise.all([row.a(first, state, world), row.b(second, state, world)]);
  const seen: Seen = {
    a: row.outcome?.a?.(answers[0]) ?? answers[0].status,
    b: row.outcome?.b?.(answers[1]) ?? answers[1].status,
    end: await row.observe(world, state, answers),
  };
  return { seen, serial: row.serial(state), answers };
}

for (const database of testDatabases()) {
  describe(`concurrent writes to one object on ${database.name}`, () => {
    let world: RaceWorld;
    beforeAll(async () => {
      world = await openRaceWorld(database, inject('postgresUrl'));
    });
    afterAll(async () => {
      await world?.close();
    });

    const trials = TRIALS[database.name];
    for (const row of RACES) {
      it(`${row.name}: every one of ${trials} trials ends as a serial order would`, async () => {
        const broken: string[] = [];
        for (let n = 0; n < trials; n++) {
          const { seen, serial, answers } = await trial(world, row);
          if (!serial.some((order) => matches(order, seen))) {
            const details = answers.map((answer) =>
              answer.status >= 400 ? `${answer.status} ${answer.body?.code}: ${answer.body?.detail}` : answer.status,
            );
            broken.push(
              `trial ${n + 1}: a=${seen.a} b=${seen.b} end=${JSON.stringify(seen.end)} (${details.join('; ')})`,
            );
          }
        }
        expect(broken, `${broken.length} of ${trials} trials ended as no serial order would`).toEqual([]);
      });
    }
  });
}
