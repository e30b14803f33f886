/**
 * The gates of the routes whose requirement depends on their target, by the name a route gives
 * in `config.requires: { gate, action }` (see modules/gate.ts); the auth hook refuses a route
 * naming a gate that is not here.
 */
import type { AuthModel } from '../core/model/model.js';
import { environmentGate } from '../modules/environments/environment-gate.js';
import type { Gate } from '../modules/gate.js';
import { policyGate } from '../modules/policies/policy-gate.js';
import { resourceGate } from '../modules/resources/resource-gate.js';
import { webhookKeyGate } from '../modules/webhook-keys/webhook-key-gate.js';
import type { Db } from '../storage/database.js';

export function managementGates(deps: { readonly db: Db; readonly model: AuthModel }): Readonly<Record<string, Gate>> {
  return {
    resource: resourceGate(deps),
    policy: policyGate(deps.db),
    environment: environmentGate(),
    webhookKey: webhookKeyGate(deps),
  };
}
