/**
 * Issue 25, people sign in with their company's identity provider: a tenant's OpenID Connect
 * providers (the client secret sealed at rest, bound to the provider id), the email domains
 * each answers for (a table of its own so that a domain names one provider across the instance,
 * enforced by the primary key even when two creations race), the sessions people hold (only the
 * SHA-256 of the session token is stored), and a tenant's `require_sso`.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('identity_providers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_secret', 'text', (c) => c.notNull())
    .addColumn('email_domains', 'text', (c) => c.notNull())
    .addColumn('provisioning', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('identity_providers_tenant').on('identity_providers').column('tenant_id').execute();
  await db.schema
    .createTable('identity_provider_domains')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('provider_id', 'text', (c) => c.notNull().references('identity_providers.id'))
    .execute();
  await db.schema
    .createIndex('identity_provider_domains_provider')
    .on('identity_provider_domains')
    .column('provider_id')
    .execute();
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('tenant_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text')
    .addColumn('key_id', 'text')
    .addColumn('candidate_key_ids', 'text', (c) => c.notNull())
    .addColumn('mfa_pending', 'integer', (c) => c.notNull())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('source_ip', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_tenant').on('sessions').column('tenant_id').execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_key').on('sessions').column('key_id').execute();
  await db.schema
    .alterTable('tenants')
    .addColumn('require_sso', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('require_sso').execute();
  await db.schema.dropTable('sessions').execute();
  await db.schema.dropTable('identity_provider_domains').execute();
  await db.schema.dropTable('identity_providers').execute();
}
