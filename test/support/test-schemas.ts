/**
 * PostgreSQL schemas for the suites. Kysely's introspection (which its migrator runs) reads the
 * catalog of every schema and fails with "schema … does not exist" when another suite drops its
 * schema at that instant; so suites never drop theirs. Each run names its schemas with one prefix,
 * and the global teardown drops them all once no suite is running (see global-setup.ts).
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

export function newTestSchema(): string {
  return `${inject('testSchemaPrefix')}${randomBytes(6).toString('hex')}`;
}
