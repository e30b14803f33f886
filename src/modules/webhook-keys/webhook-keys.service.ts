/**
 * Webhook keys (SPEC §4): an inbound webhook's signing secret, generated here or imported from the
 * sender, sealed at rest under a key derived from the pepper and bound to the webhook key's id,
 * answered once (at creation and rotation) and afterwards shown by its hint only. A rotation keeps
 * the previous secret verifying for a grace, so the sender can be switched over without a gap.
 * Who may act on which key is the gate's business (webhook-key-gate.ts).
 */
import type { PageOf } from '../../api/common.js';
import {
  DEFAULT_WEBHOOK_GRACE_SECONDS,
  type CreatedWebhookKeyObject,
  type CreateWebhookKeyInput,
  type ListWebhookKeysInput,
  type RotateWebhookKeyInput,
  type WebhookKeyObject,
} from '../../api/webhook-keys.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import { isRoot } from '../../core/key-record.js';
import { generateWebhookSecret, secretProblem, webhookSecretHint } from '../../core/webhook-signatures.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { lockEnvironment } from '../environments/environments.repository.js';
import { mutate, type UnitOfWork } from '../mutation.js';
import { tenantPageRequest, toPage } from '../pagination.js';
import { lockResource } from '../resources/resources.repository.js';
import { canSeeTenant, notFound } from '../scope.js';
import { readTarget } from '../target-rows.js';
import { schemeOf, toWebhookKeyObject } from './webhook-key-object.js';
import {
  deleteWebhookKey as deleteWebhookKeyRow,
  insertWebhookKey,
  selectWebhookKeys,
  lockWebhookKey,
  updateWebhookKey,
  type WebhookKeyRow,
} from './webhook-keys.repository.js';

/** The resource type a webhook key may be bound to (SPEC §2's `webhook`). */
const WEBHOOK_TYPE = 'webhook';

function importProblem(scheme: CreateWebhookKeyInput['scheme'], secret: string | undefined): Result<null> {
  const problem = secret === undefined ? null : secretProblem(scheme, secret);
  return problem === null ? ok(null) : fail('VALIDATION', problem, { field: 'secret' });
}

/** The webhook resource to bind to, locked (a deletion of it waits, then counts this key: 409). */
async function bindable(
  trx: UnitOfWork['trx'],
  webhookId: string,
  tenantId: string,
  environmentId: string,
): Promise<Result<string>> {
  const webhook = await lockResource(trx, webhookId);
  if (webhook === undefined || webhook.tenant_id !== tenantId) return notFound('resource', webhookId);
  if (webhook.type !== WEBHOOK_TYPE)
    return fail('VALIDATION', `resource ${webhookId} is a ${webhook.type}, not a webhook`, { field: 'webhookId' });
  if (webhook.environment_id !== environmentId)
    return fail('VALIDATION', `webhook ${webhookId} is in another environment than the key`, { field: 'webhookId' });
  return ok(webhook.id);
}

export async function createWebhookKey(
  deps: ServiceDeps,
  caller: Caller,
  input: CreateWebhookKeyInput,
): Promise<Result<CreatedWebhookKeyObject>> {
  const environmentId = input.environmentId ?? caller.key.environmentId;
  if (environmentId === null)
    return fail('VALIDATION', 'environmentId is required when acting with the root key', { field: 'environmentId' });
  const imported = importProblem(input.scheme, input.secret);
  if (!imported.ok) return imported;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    // Locked: an environment being deleted is waited for, then a 404, or it counts this key (409).
    const environment = await lockEnvironment(trx, environmentId);
    if (environment === undefined || !canSeeTenant(caller.key, environment.tenant_id))
      return notFound('environment', environmentId);
    let webhookId: string | null = null;
    if (input.webhookId !== undefined) {
      const bound = await bindable(trx, input.webhookId, environment.tenant_id, environmentId);
      if (!bound.ok) return bound;
      webhookId = bound.value;
    }
    const id = newId('webhookKey', now);
    const secret = input.secret ?? generateWebhookSecret(input.scheme);
    const row: WebhookKeyRow = {
      id,
      tenant_id: environment.tenant_id,
      environment_id: environmentId,
      webhook_id: webhookId,
      name: input.name,
      scheme: input.scheme,
      secret: deps.secrets.seal(secret, id),
      secret_hint: webhookSecretHint(secret),
      previous_secret: null,
      previous_valid_until: null,
      created_by_key_id: caller.key.id,
      created_at: now,
      updated_at: now,
      rotated_at: null,
    };
    await insertWebhookKey(trx, row);
    await record({
      action: 'webhookKey.create',
      tenantId: row.tenant_id,
      environmentId,
      target: { type: 'webhookKey', id },
      op: 'create',
      details: { name: row.name, scheme: row.scheme, webhookId, imported: input.secret !== undefined },
    });
    return ok({ ...toWebhookKeyObject(row, now), secret });
  });
}

export async function getWebhookKey(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<WebhookKeyObject>> {
  const row = await readTarget(deps.db, caller, 'webhookKey', id);
  return row === undefined ? notFound('webhook key', id) : ok(toWebhookKeyObject(row, deps.clock.now()));
}

/** A page of one environment's webhook keys: the caller's own (the root key: any, or all of them). */
export async function listWebhookKeys(
  deps: ServiceDeps,
  caller: Caller,
  query: ListWebhookKeysInput,
): Promise<Result<PageOf<WebhookKeyObject>>> {
  const page = tenantPageRequest(caller.key, query);
  if (!page.ok) return page;
  const environmentId = query.environmentId ?? caller.key.environmentId ?? undefined;
  if (!isRoot(caller.key) && environmentId !== caller.key.environmentId)
    return fail('FORBIDDEN', `this needs webhooks.manage in environment ${environmentId}`, {
      needed: 'webhooks.manage',
    });
  const rows = await selectWebhookKeys(deps.db, {
    tenantId: page.value.tenantId,
    environmentId,
    webhookId: query.webhookId,
    afterId: page.value.afterId,
    limit: page.value.limit,
  });
  const now = deps.clock.now();
  return ok(toPage(rows, page.value.limit, (row) => toWebhookKeyObject(row, now)));
}

/**
 * A new secret (generated, or imported from the sender); the one it replaces verifies on for
 * `gracePeriodSeconds`, and a secret older than that one, still in an earlier grace, stops at once.
 */
export async function rotateWebhookKey(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: RotateWebhookKeyInput,
): Promise<Result<CreatedWebhookKeyObject>> {
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    // Locked: a rotation or deletion in flight is waited for; this one then reads what it left.
    const current = await lockWebhookKey(trx, id);
    if (current === undefined) return notFound('webhook key', id);
    const imported = importProblem(schemeOf(current), input.secret);
    if (!imported.ok) return imported;
    const grace = input.gracePeriodSeconds ?? DEFAULT_WEBHOOK_GRACE_SECONDS;
    const secret = input.secret ?? generateWebhookSecret(schemeOf(current));
    const next: WebhookKeyRow = {
      ...current,
      // Sealed to the key's id, not to a slot: the current secret moves to `previous` as it is.
      secret: deps.secrets.seal(secret, id),
      secret_hint: webhookSecretHint(secret),
      previous_secret: grace > 0 ? current.secret : null,
      previous_valid_until: grace > 0 ? now + grace * 1000 : null,
      updated_at: now,
      rotated_at: now,
    };
    const { id: _id, ...changed } = next;
    await updateWebhookKey(trx, id, changed);
    await record('webhookKey.rotate', current, 'update', {
      gracePeriodSeconds: grace,
      imported: input.secret !== undefined,
    });
    return ok({ ...toWebhookKeyObject(next, now), secret });
  });
}

/** Gone for good: its secrets with it. */
export async function deleteWebhookKey(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
): Promise<Result<WebhookKeyObject>> {
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const current = await lockWebhookKey(trx, id);
    if (current === undefined) return notFound('webhook key', id);
    await deleteWebhookKeyRow(trx, id);
    await record('webhookKey.delete', current, 'delete', { name: current.name, scheme: current.scheme });
    return ok(toWebhookKeyObject(current, now));
  });
}
