/**
 * Keys in each state that stops a key (SPEC §3 steps 1–3), made by the home admin from one
 * body, so each holds the same grants and its state alone explains a refusal.
 */
import type { Client } from '../../support/keyward.js';
import { created } from '../../support/problem.js';
import type { StateCase } from './cases.js';

export interface MadeKey {
  readonly id: string;
  readonly key: string;
}

/** A key that expires in a day: made before the world's clock moves on two days, it is then expired but inside its rotation window. */
export async function soonExpiring(admin: Client, body: Record<string, unknown>): Promise<MadeKey> {
  return created(await admin.post('/v1/keys', { ...body, name: 'expired', expiresInDays: 1 }));
}

/** The other states, made now; `expired` is the key `soonExpiring` made from the same body. */
export async function stateKeys(
  admin: Client,
  body: Record<string, unknown>,
  expired: MadeKey,
): Promise<Record<StateCase, MadeKey>> {
  const make = async (name: string): Promise<MadeKey> => created(await admin.post('/v1/keys', { ...body, name }));
  const revoked = await make('revoked');
  expectOk(await admin.post(`/v1/keys/${revoked.id}/revoke`));
  const disabled = await make('disabled');
  expectOk(await admin.patch(`/v1/keys/${disabled.id}`, { enabled: false }));
  const rotatedOut = await rotated(admin, await make('rotated-out'), 3600);
  const rotatedOutPastGrace = await rotated(admin, await make('past-grace'), 0);
  return { revoked, expired, disabled, rotatedOut, rotatedOutPastGrace };
}

/** The key with its old secret, once a rotation with this grace has replaced it. */
async function rotated(admin: Client, made: MadeKey, gracePeriodSeconds: number): Promise<MadeKey> {
  expectOk(await admin.post(`/v1/keys/${made.id}/rotate`, { gracePeriodSeconds }));
  return made;
}

function expectOk(reply: { status: number; body: unknown }): void {
  if (reply.status !== 200)
    throw new Error(`setting up the matrix failed: ${reply.status} ${JSON.stringify(reply.body)}`);
}
