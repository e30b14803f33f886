/**
 * One row of the concurrency contract: two writes to one object sent at the same instant, and
 * what each serial order of them would answer and leave behind. A trial passes when the answers
 * and the end state a user reads afterwards are those of one of the serial orders: no write
 * undid another it did not see, and every 2xx answer's effect is there. A new write route gets
 * its row here (races/*.ts), next to the writes it can meet.
 */
import type { Reply } from '../../support/keyward.js';
import type { RaceNode, RaceWorld } from '../concurrency-world.js';

/** What a write answered, as compared: its status, or what `outcome` reads of the reply (verify's code). */
export type Outcome = number | string;

export interface SerialOrder {
  /** Which write went first, for the failure message: `'a, b'` or `'b, a'`. */
  readonly order: string;
  /** What the first write (a) answers in this order: one outcome, or any of several that mean the same. */
  readonly a: Outcome | readonly Outcome[];
  readonly b: Outcome | readonly Outcome[];
  /** The end state `observe` must read. */
  readonly end: unknown;
}

export interface Race<S> {
  readonly name: string;
  /** The objects of one trial, made before the two writes start. */
  setup(world: RaceWorld): Promise<S>;
  /** The first write, sent to the first node. */
  a(node: RaceNode, state: S, world: RaceWorld): Promise<Reply>;
  /** The second write, sent at the same instant to the second node. */
  b(node: RaceNode, state: S, world: RaceWorld): Promise<Reply>;
  /** What a user reads afterwards, as one plain value. */
  observe(world: RaceWorld, state: S, answers: readonly [Reply, Reply]): Promise<unknown>;
  /** The serial orders' answers and end states. */
  serial(state: S): readonly SerialOrder[];
  /** Reads the compared outcome of a reply where the status alone does not tell (default: the status). */
  readonly outcome?: { readonly a?: (reply: Reply) => Outcome; readonly b?: (reply: Reply) => Outcome };
}

/** A table row of any state type. */
export type AnyRace = Race<unknown>;

export function race<S>(row: Race<S>): AnyRace {
  return row;
}

/** Both orders answer and end the same way (two writes of different fields). */
export function eitherOrder(a: SerialOrder['a'], b: SerialOrder['b'], end: unknown): SerialOrder[] {
  return [
    { order: 'a, b', a, b, end },
    { order: 'b, a', a, b, end },
  ];
}

// Setup helpers: each makes one object as the tenant's admin key and answers what the rows use.

export async function appKey(
  world: RaceWorld,
  body: Record<string, unknown> = {},
): Promise<{ id: string; key: string }> {
  const created = await world.make('/v1/keys', { name: world.unique('key'), kind: 'application', ...body });
  return { id: created.id, key: created.key };
}

export async function user(world: RaceWorld, role: 'admin' | 'member' = 'member'): Promise<string> {
  const name = world.unique('user');
  return (await world.make('/v1/users', { name, email: `${name}@races.example`, role })).id;
}

export async function group(world: RaceWorld): Promise<string> {
  return (await world.make('/v1/groups', { name: world.unique('group') })).id;
}

export async function policy(world: RaceWorld, scopes: readonly string[]): Promise<string> {
  return (
    await world.make('/v1/policies', { environmentId: world.environmentId, name: world.unique('policy'), scopes })
  ).id;
}

export async function resource(world: RaceWorld, type: string, parentId?: string): Promise<string> {
  return (
    await world.make('/v1/resources', {
      type,
      name: world.unique(type),
      ...(parentId === undefined ? {} : { parentId }),
    })
  ).id;
}

/** The status of `GET path` (200 there, 404 gone). */
export async function statusOf(world: RaceWorld, path: string): Promise<number> {
  return (await world.read(path)).status;
}

/** A key as read: the fields a row compares. */
export async function keyFields(
  world: RaceWorld,
  id: string,
  fields: readonly string[],
): Promise<Record<string, unknown>> {
  const reply = await world.read(`/v1/keys/${id}`);
  return Object.fromEntries(fields.map((field) => [field, reply.body?.[field]]));
}

/** The verify code of a secret, asked of the first node. */
export async function verifyCode(world: RaceWorld, secret: string): Promise<string> {
  return (await world.nodes[0].call('POST', '/v1/verify', world.adminKey, { key: secret })).body?.code;
}
