/**
 * Webhook endpoints (SPEC §4, events out; `tenant.manage`): created with a `whsec_…` signing
 * secret shown once, changed, rotated with an overlap during which both secrets sign, deleted with
 * their outbox. A URL the SSRF guard refuses outright (a private IP literal, a scheme other than
 * http(s), credentials in it) is a 400 here; names are judged again at each attempt.
 */
import type { PageOf } from '../../api/common.js';
import type {
  CreateEndpointInput,
  EndpointWithSecretObject,
  ListEndpointsInput,
  PatchEndpointInput,
  RotateEndpointSecretInput,
  WebhookEndpointObject,
} from '../../api/webhooks.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import { newWebhookSecret } from '../../core/webhook-signature.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { lockEnvironment } from '../environments/environments.repository.js';
import { mutate } from '../mutation.js';
import { tenantPageRequest, toPage } from '../pagination.js';
import { canSeeTenant, notFound, resolveTenantId } from '../scope.js';
import { secretBinding } from './endpoint-secrets.js';
import {
  deleteEndpoint,
  findEndpoint,
  insertEndpoint,
  listEndpoints,
  lockEndpoint,
  updateEndpoint,
  type EndpointRow,
} from './endpoints.repository.js';
import { toEndpointObject } from './webhook-objects.js';
import { urlProblem } from './webhook-sender.js';

const DEFAULT_LEAD_DAYS = 7;
const DEFAULT_OVERLAP_SECONDS = 86_400;

/** What the audit log keeps of a URL: its origin. A path or query may carry a receiver's token. */
function originOf(url: string): string {
  return new URL(url).origin;
}

function checkUrl(url: string, allowPrivate: boolean): Result<void> {
  const problem = urlProblem(url, allowPrivate);
  return problem === null ? ok(undefined) : fail('VALIDATION', `url: ${problem}`, { field: 'url' });
}

/** `key.credits_low` needs a threshold to cross. */
function checkThreshold(events: readonly string[], threshold: number | null): Result<void> {
  return events.includes('key.credits_low') && threshold === null
    ? fail('VALIDATION', 'key.credits_low needs creditsLowThreshold', { field: 'creditsLowThreshold' })
    : ok(undefined);
}

async function environmentOf(trx: Parameters<typeof lockEnvironment>[0], tenantId: string, id: string | null) {
  if (id === null) return ok(null);
  const environment = await lockEnvironment(trx, id);
  return environment === undefined || environment.tenant_id !== tenantId ? notFound('environment', id) : ok(id);
}

export async function createWebhookEndpoint(
  deps: ServiceDeps,
  caller: Caller,
  input: CreateEndpointInput,
  allowPrivate: boolean,
): Promise<Result<EndpointWithSecretObject>> {
  const tenantId = resolveTenantId(caller.key, input.tenantId);
  if (!tenantId.ok) return tenantId;
  const url = checkUrl(input.url, allowPrivate);
  if (!url.ok) return url;
  const threshold = input.creditsLowThreshold ?? null;
  const coherent = checkThreshold(input.events, threshold);
  if (!coherent.ok) return coherent;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const environmentId = await environmentOf(trx, tenantId.value, input.environmentId ?? null);
    if (!environmentId.ok) return environmentId;
    const id = newId('webhookEndpoint', now);
    const secret = newWebhookSecret();
    const row: EndpointRow = {
      id,
      tenant_id: tenantId.value,
      environment_id: environmentId.value,
      url: input.url,
      description: input.description ?? '',
      events: [...input.events],
      enabled: input.enabled ?? true,
      secret: deps.secrets.seal(secret, secretBinding(id, 'current')),
      previous_secret: null,
      previous_secret_until: null,
      expiring_lead_days: input.expiringLeadDays ?? DEFAULT_LEAD_DAYS,
      credits_low_threshold: threshold,
      created_by_key_id: caller.key.id,
      created_at: now,
      updated_at: now,
    };
    await insertEndpoint(trx, row);
    await record('webhookEndpoint.create', row, 'create', {
      origin: originOf(row.url),
      events: input.events,
      enabled: row.enabled,
    });
    return ok({ ...toEndpointObject(row, now), secret });
  });
}

export async function listWebhookEndpoints(
  deps: ServiceDeps,
  caller: Caller,
  query: ListEndpointsInput,
): Promise<Result<PageOf<WebhookEndpointObject>>> {
  const page = tenantPageRequest(caller.key, query);
  if (!page.ok) return page;
  const rows = await listEndpoints(deps.db, page.value);
  const now = deps.clock.now();
  return ok(toPage(rows, page.value.limit, (row) => toEndpointObject(row, now)));
}

/** The endpoint if the caller may see it; anything else is indistinguishable from absent. */
export async function visibleEndpoint(deps: ServiceDeps, caller: Caller, id: string): Promise<EndpointRow | undefined> {
  const row = await findEndpoint(deps.db, id);
  return row !== undefined && canSeeTenant(caller.key, row.tenant_id) ? row : undefined;
}

export async function getWebhookEndpoint(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
): Promise<Result<WebhookEndpointObject>> {
  const row = await visibleEndpoint(deps, caller, id);
  return row === undefined ? notFound('webhook endpoint', id) : ok(toEndpointObject(row, deps.clock.now()));
}

export async function updateWebhookEndpoint(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: PatchEndpointInput,
  allowPrivate: boolean,
): Promise<Result<WebhookEndpointObject>> {
  if ((await visibleEndpoint(deps, caller, id)) === undefined) return notFound('webhook endpoint', id);
  if (input.url !== undefined) {
    const url = checkUrl(input.url, allowPrivate);
    if (!url.ok) return url;
  }
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    // Locked: another change of the endpoint, or a node claiming its deliveries, is waited for.
    const current = await lockEndpoint(trx, id);
    if (current === undefined) return notFound('webhook endpoint', id);
    const environmentId =
      input.environmentId === undefined
        ? ok(current.environment_id)
        : await environmentOf(trx, current.tenant_id, input.environmentId);
    if (!environmentId.ok) return environmentId;
    const events = input.events ?? current.events;
    const threshold =
      input.creditsLowThreshold === undefined ? current.credits_low_threshold : input.creditsLowThreshold;
    const coherent = checkThreshold(events, threshold);
    if (!coherent.ok) return coherent;
    const changes = {
      url: input.url ?? current.url,
      description: input.description ?? current.description,
      events: [...events],
      enabled: input.enabled === undefined ? current.enabled : input.enabled,
      environment_id: environmentId.value,
      expiring_lead_days: input.expiringLeadDays ?? current.expiring_lead_days,
      credits_low_threshold: threshold,
      updated_at: now,
    };
    await updateEndpoint(trx, id, changes);
    // A new threshold is a new line to cross: every key is judged against it afresh.
    if (threshold !== current.credits_low_threshold)
      await trx.deleteFrom('webhook_credit_alerts').where('endpoint_id', '=', id).execute();
    const details: Record<string, unknown> = { fields: Object.keys(input).sort() };
    if (input.url !== undefined) details['origin'] = originOf(input.url);
    if (input.events !== undefined) details['events'] = input.events;
    if (input.enabled !== undefined) details['enabled'] = input.enabled;
    await record({
      action: 'webhookEndpoint.update',
      tenantId: current.tenant_id,
      environmentId: changes.environment_id,
      target: { type: 'webhookEndpoint', id },
      op: 'update',
      details,
    });
    return ok(toEndpointObject({ ...current, ...changes }, now));
  });
}

export async function deleteWebhookEndpoint(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
): Promise<Result<WebhookEndpointObject>> {
  if ((await visibleEndpoint(deps, caller, id)) === undefined) return notFound('webhook endpoint', id);
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const current = await lockEndpoint(trx, id);
    if (current === undefined) return notFound('webhook endpoint', id);
    await deleteEndpoint(trx, id);
    await record('webhookEndpoint.delete', current, 'delete', { origin: originOf(current.url) });
    return ok(toEndpointObject(current, now));
  });
}

/** A new secret, shown once; the old one keeps signing beside it for `gracePeriodSeconds` (default a day). */
export async function rotateWebhookEndpointSecret(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: RotateEndpointSecretInput,
): Promise<Result<EndpointWithSecretObject>> {
  if ((await visibleEndpoint(deps, caller, id)) === undefined) return notFound('webhook endpoint', id);
  const grace = input.gracePeriodSeconds ?? DEFAULT_OVERLAP_SECONDS;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    // Locked: of two rotations, the second sees the first's secret as the one to keep signing.
    const current = await lockEndpoint(trx, id);
    if (current === undefined) return notFound('webhook endpoint', id);
    const old = deps.secrets.open(current.secret, secretBinding(id, 'current'));
    if (old === null) return fail('CONFLICT', `the signing secret of ${id} does not open under this server's pepper`);
    const secret = newWebhookSecret();
    const changes = {
      secret: deps.secrets.seal(secret, secretBinding(id, 'current')),
      previous_secret: grace > 0 ? deps.secrets.seal(old, secretBinding(id, 'previous')) : null,
      previous_secret_until: grace > 0 ? now + grace * 1000 : null,
      updated_at: now,
    };
    await updateEndpoint(trx, id, changes);
    await record('webhookEndpoint.secret.rotate', current, 'update', { gracePeriodSeconds: grace });
    return ok({ ...toEndpointObject({ ...current, ...changes }, now), secret });
  });
}
