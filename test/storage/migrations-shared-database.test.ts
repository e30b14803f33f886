/**
 * A PostgreSQL database may hold other schemas than Keyward's (other instances, other apps) that
 * come and go. A node migrating its own schema must not read theirs: Kysely's own introspection
 * read every column of every schema and failed a start with "schema … does not exist" when one
 * was dropped at that instant.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { openStorage } from '../../src/storage/open-storage.js';
import { newTestSchema } from '../support/test-schemas.js';

const url = inject('postgresUrl');
const OPENS = 12;

describe.skipIf(url === null)('migrating one schema of a shared PostgreSQL database', () => {
  it(`opens ${OPENS} times while another schema with tables is created and dropped over and over`, async () => {
    const churn = new pg.Client({ connectionString: url ?? '' });
    await churn.connect();
    const other = newTestSchema();
    let churning = true;
    let cycles = 0;
    const churned = (async () => {
      while (churning) {
        await churn.query(
          `create schema "${other}"; create table "${other}".t (id serial primary key, a text, b text, c text, d text)`,
        );
        await churn.query(`drop schema "${other}" cascade`);
        cycles++;
      }
    })();
    const failures: string[] = [];
    try {
      for (let n = 0; n < OPENS; n++) {
        const dataDir = mkdtempSync(join(tmpdir(), 'keyward-shared-'));
        try {
          const storage = await openStorage({ databaseUrl: url ?? '', dataDir, schema: newTestSchema() });
          await storage.close();
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      }
    } finally {
      churning = false;
      await churned;
      await churn.end();
    }
    expect(cycles).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  }, 120_000);
});
