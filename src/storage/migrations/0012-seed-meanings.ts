/**
 * Issue 12: a separate maximum expiry for application keys and periodic MFA (tenant and
 * environment settings), the time a user last passed a TOTP check, and users as members of
 * sharing groups (a user member makes each of its keys, present and future, a member).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['tenants', 'environments']) {
    await db.schema.alterTable(table).addColumn('max_application_key_expiry_days', 'integer').execute();
    await db.schema.alterTable(table).addColumn('mfa_reverify_days', 'integer').execute();
  }
  await db.schema.alterTable('user_mfa').addColumn('passed_at', 'bigint').execute();
  await db.schema
    .createTable('group_user_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_user_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('group_user_members_user_id').on('group_user_members').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('group_user_members').execute();
  await db.schema.alterTable('user_mfa').dropColumn('passed_at').execute();
  for (const table of ['tenants', 'environments']) {
    await db.schema.alterTable(table).dropColumn('mfa_reverify_days').execute();
    await db.schema.alterTable(table).dropColumn('max_application_key_expiry_days').execute();
  }
}
