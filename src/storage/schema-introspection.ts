/**
 * Kysely's migrator asks whether its own tables exist by reading every column of every table in
 * the whole database, calling `pg_get_serial_sequence` on each. On a database that holds many
 * schemas (several Keyward instances, or a test run's) that is slow, and it fails with "schema …
 * does not exist" when another schema is dropped at that instant, which failed a node's start.
 * The migrator is handed a view of the database whose introspection reads the one schema it
 * migrates, and nothing else.
 */
import { type DatabaseIntrospector, type Kysely, type SchemaMetadata, sql, type TableMetadata } from 'kysely';
import type { Database } from './database.js';

/** `schema` undefined: the connection's own `current_schema()`, where unqualified tables go. */
export function introspectingOnly(db: Kysely<Database>, schema: string | undefined): Kysely<Database> {
  const named = sql`coalesce(${schema ?? null}::text, current_schema())`;
  const introspection: DatabaseIntrospector = {
    async getSchemas(): Promise<SchemaMetadata[]> {
      const { rows } =
        await sql<SchemaMetadata>`select nspname as name from pg_catalog.pg_namespace where nspname = ${named}`.execute(
          db,
        );
      return rows;
    },
    async getTables(): Promise<TableMetadata[]> {
      const { rows } = await sql<{ name: string; schema: string; kind: string }>`
        select c.relname as name, ns.nspname as schema, c.relkind as kind
        from pg_catalog.pg_class c join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
        where ns.nspname = ${named} and c.relkind in ('r', 'v', 'p')`.execute(db);
      // The migrator reads only names and schemas; columns are not asked for.
      return rows.map((row) => ({ name: row.name, schema: row.schema, isView: row.kind === 'v', columns: [] }));
    },
    async getMetadata() {
      return { tables: await this.getTables() };
    },
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value: unknown = Reflect.get(target, property, target);
      // Kysely's methods use private fields, so they run on the real instance.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
