/** Identity providers and the email domains they answer for, at rest. */
import type { Selectable } from 'kysely';
import { stringList, tableColumns } from '../../storage/column-codec.js';
import type { Db, IdentityProvidersTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';
import { type TenantPageRequest, tenantPageQuery } from '../pagination.js';

const columns = tableColumns<Selectable<IdentityProvidersTable>>('identity_providers')({
  email_domains: stringList.column,
});

/** A provider, its email domains a list. */
export type IdentityProviderRow = ReturnType<typeof columns.decode>;

export async function insertIdentityProvider(
  db: Db,
  row: IdentityProviderRow,
  domains: readonly string[],
): Promise<void> {
  await db.insertInto('identity_providers').values(columns.encode(row)).execute();
  await insertDomains(db, row.id, domains);
}

async function insertDomains(db: Db, providerId: string, domains: readonly string[]): Promise<void> {
  if (domains.length === 0) return;
  await db
    .insertInto('identity_provider_domains')
    .values(domains.map((domain) => ({ domain, provider_id: providerId })))
    .execute();
}

export async function findIdentityProvider(db: Db, id: string): Promise<IdentityProviderRow | undefined> {
  return columns.decodeFound(
    await db.selectFrom('identity_providers').selectAll().where('id', '=', id).executeTakeFirst(),
  );
}

export async function lockIdentityProvider(trx: Db, id: string): Promise<IdentityProviderRow | undefined> {
  return columns.decodeFound(
    await lockForUpdate(trx, trx.selectFrom('identity_providers').selectAll().where('id', '=', id)).executeTakeFirst(),
  );
}

/** The provider that answers for an email domain (one across the instance), by its indexed primary key. */
export async function findIdentityProviderByDomain(db: Db, domain: string): Promise<IdentityProviderRow | undefined> {
  return columns.decodeFound(
    await db
      .selectFrom('identity_provider_domains')
      .innerJoin('identity_providers', 'identity_providers.id', 'identity_provider_domains.provider_id')
      .selectAll('identity_providers')
      .where('identity_provider_domains.domain', '=', domain)
      .executeTakeFirst(),
  );
}

/** Which of `domains` another provider than `exceptId` already answers for. */
export async function domainsTakenElsewhere(
  db: Db,
  domains: readonly string[],
  exceptId: string | null,
): Promise<string[]> {
  if (domains.length === 0) return [];
  let query = db.selectFrom('identity_provider_domains').select('domain').where('domain', 'in', domains);
  if (exceptId !== null) query = query.where('provider_id', '<>', exceptId);
  return (await query.execute()).map((row) => row.domain);
}

export async function selectIdentityProviders(db: Db, filter: TenantPageRequest): Promise<IdentityProviderRow[]> {
  return (await tenantPageQuery(db.selectFrom('identity_providers').selectAll(), filter).execute()).map(columns.decode);
}

/** Writes the provider's row and, when they changed, its domains (replaced as a set). */
export async function writeIdentityProvider(
  db: Db,
  row: IdentityProviderRow,
  domains: readonly string[] | null,
): Promise<void> {
  const { id, ...rest } = row;
  await db.updateTable('identity_providers').set(columns.encode(rest)).where('id', '=', id).execute();
  if (domains === null) return;
  await db.deleteFrom('identity_provider_domains').where('provider_id', '=', id).execute();
  await insertDomains(db, id, domains);
}

export async function deleteIdentityProviderRows(db: Db, id: string): Promise<void> {
  await db.deleteFrom('identity_provider_domains').where('provider_id', '=', id).execute();
  await db.deleteFrom('identity_providers').where('id', '=', id).execute();
}
