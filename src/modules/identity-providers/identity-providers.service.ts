/**
 * A tenant's OpenID Connect identity providers (SPEC §5; who may is declared on the routes). The client secret
 * is sealed at rest, bound to the provider's id, and never answered. An email domain names one
 * provider across the instance, so that sign-in can find the provider from an email alone; the
 * domains table's primary key enforces it even when two creations race (the loser gets 409).
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import type { PageOf, PageQueryType } from '../../api/common.js';
import type {
  CreateIdentityProviderInput,
  IdentityProviderObject,
  PatchIdentityProviderInput,
} from '../../api/identity-providers.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { mutate } from '../mutation.js';
import { tenantPageRequest, toPage } from '../pagination.js';
import { canSeeTenant, iso, notFound, resolveTenantId } from '../scope.js';
import { findTenant } from '../tenants/tenants.repository.js';
import { deleteSessionsOfProvider } from '../sessions/sessions.repository.js';
import {
  deleteIdentityProviderRows,
  domainsTakenElsewhere,
  findIdentityProvider,
  insertIdentityProvider,
  selectIdentityProviders,
  lockIdentityProvider,
  writeIdentityProvider,
  type IdentityProviderRow,
} from './identity-providers.repository.js';

export interface IssuerRules {
  /** `KEYWARD_SSO_ALLOW_INSECURE_ISSUERS`: plain-http issuers are accepted (development, tests on loopback). */
  readonly allowInsecureIssuers: boolean;
}

export function toIdentityProviderObject(row: IdentityProviderRow): IdentityProviderObject {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    issuer: row.issuer,
    clientId: row.client_id,
    clientSecretSet: true,
    emailDomains: row.email_domains,
    provisioning: row.provisioning === 'member' ? 'member' : 'none',
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The issuer as stored (no trailing slash doubt left to discovery), or why it is refused. */
export function checkIssuer(issuer: string, rules: IssuerRules): Result<string> {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return fail('VALIDATION', 'issuer is not a URL', { field: 'issuer' });
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    return fail('VALIDATION', 'issuer must not carry a query, fragment or credentials', { field: 'issuer' });
  if (url.protocol === 'https:') return ok(issuer);
  if (url.protocol === 'http:' && rules.allowInsecureIssuers) return ok(issuer);
  return fail(
    'VALIDATION',
    url.protocol === 'http:'
      ? 'issuer must be https (plain http only with KEYWARD_SSO_ALLOW_INSECURE_ISSUERS=true, for development)'
      : 'issuer must be an https URL',
    { field: 'issuer' },
  );
}

const normaliseDomains = (domains: readonly string[]): string[] => [
  ...new Set(domains.map((domain) => domain.trim().toLowerCase())),
];

function domainConflict(taken: readonly string[]): Result<never> {
  return fail('CONFLICT', `email domain ${taken.join(', ')} already signs in through another identity provider`, {
    field: 'emailDomains',
  });
}

async function findVisible(deps: ServiceDeps, caller: Caller, id: string): Promise<IdentityProviderRow | undefined> {
  const row = await findIdentityProvider(deps.db, id);
  return row !== undefined && canSeeTenant(caller.key, row.tenant_id) ? row : undefined;
}

export async function createIdentityProvider(
  deps: ServiceDeps,
  rules: IssuerRules,
  caller: Caller,
  input: CreateIdentityProviderInput,
): Promise<Result<IdentityProviderObject>> {
  const tenantId = resolveTenantId(caller.key, input.tenantId);
  if (!tenantId.ok) return tenantId;
  const issuer = checkIssuer(input.issuer, rules);
  if (!issuer.ok) return issuer;
  const domains = normaliseDomains(input.emailDomains);
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    if ((await findTenant(trx, tenantId.value)) === undefined) return notFound('tenant', tenantId.value);
    const taken = await domainsTakenElsewhere(trx, domains, null);
    if (taken.length > 0) return domainConflict(taken);
    const id = newId('identityProvider', now);
    const row: IdentityProviderRow = {
      id,
      tenant_id: tenantId.value,
      name: input.name,
      issuer: issuer.value,
      client_id: input.clientId,
      client_secret: deps.secrets.seal(input.clientSecret, id),
      email_domains: domains,
      provisioning: input.provisioning ?? 'none',
      created_at: now,
      updated_at: now,
    };
    await insertIdentityProvider(trx, row, domains);
    await record({
      action: 'identityProvider.create',
      tenantId: row.tenant_id,
      environmentId: null,
      target: { type: 'identityProvider', id },
      op: 'create',
      details: { issuer: row.issuer, emailDomains: domains, provisioning: row.provisioning },
    });
    return ok(toIdentityProviderObject(row));
  });
}

export async function listIdentityProviders(
  deps: ServiceDeps,
  caller: Caller,
  query: PageQueryType & { tenantId?: string | undefined },
): Promise<Result<PageOf<IdentityProviderObject>>> {
  const page = tenantPageRequest(caller.key, query);
  if (!page.ok) return page;
  const rows = await selectIdentityProviders(deps.db, page.value);
  return ok(toPage(rows, page.value.limit, toIdentityProviderObject));
}

export async function getIdentityProvider(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
): Promise<Result<IdentityProviderObject>> {
  const row = await findVisible(deps, caller, id);
  if (row === undefined) return notFound('identity provider', id);
  return ok(toIdentityProviderObject(row));
}

export async function updateIdentityProvider(
  deps: ServiceDeps,
  rules: IssuerRules,
  caller: Caller,
  id: string,
  input: PatchIdentityProviderInput,
): Promise<Result<IdentityProviderObject>> {
  if ((await findVisible(deps, caller, id)) === undefined) return notFound('identity provider', id);
  const issuer = input.issuer === undefined ? ok(null) : checkIssuer(input.issuer, rules);
  if (!issuer.ok) return issuer;
  const domains = input.emailDomains === undefined ? null : normaliseDomains(input.emailDomains);
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const current = await lockIdentityProvider(trx, id);
    if (current === undefined) return notFound('identity provider', id);
    if (domains !== null) {
      const taken = await domainsTakenElsewhere(trx, domains, id);
      if (taken.length > 0) return domainConflict(taken);
    }
    const next: IdentityProviderRow = {
      ...current,
      name: input.name ?? current.name,
      issuer: issuer.value ?? current.issuer,
      client_id: input.clientId ?? current.client_id,
      client_secret:
        input.clientSecret === undefined ? current.client_secret : deps.secrets.seal(input.clientSecret, id),
      email_domains: domains === null ? current.email_domains : domains,
      provisioning: input.provisioning ?? current.provisioning,
      updated_at: now,
    };
    await writeIdentityProvider(trx, next, domains);
    await record({
      action: 'identityProvider.update',
      tenantId: current.tenant_id,
      environmentId: null,
      target: { type: 'identityProvider', id },
      op: 'update',
      // Field names only: the secret's value, old or new, never reaches the audit log.
      details: { fields: Object.keys(input) },
    });
    return ok(toIdentityProviderObject(next));
  });
}

/** Deletes the provider; the sessions people hold through it end with it. */
export async function deleteIdentityProvider(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
): Promise<Result<IdentityProviderObject>> {
  if ((await findVisible(deps, caller, id)) === undefined) return notFound('identity provider', id);
  return mutate(deps, caller.actor, async ({ trx, record }) => {
    const current = await lockIdentityProvider(trx, id);
    if (current === undefined) return notFound('identity provider', id);
    const ended = await deleteSessionsOfProvider(trx, id);
    await deleteIdentityProviderRows(trx, id);
    await record({
      action: 'identityProvider.delete',
      tenantId: current.tenant_id,
      environmentId: null,
      target: { type: 'identityProvider', id },
      op: 'delete',
      details: { sessionsEnded: ended },
    });
    return ok(toIdentityProviderObject(current));
  });
}
