/**
 * The versioned migrations, in order: every `NNNN-name` module beside this one, read from the
 * folder (as Kysely's FileMigrationProvider does), so a new migration is one new file and not
 * also a line here. The folder holds `.ts` under the tests and `.js` in `dist/`; declarations and
 * source maps are passed over. A module that is not a migration fails loudly, naming its file.
 * `build:server` empties `dist/storage/migrations` first, so a migration gone from `src/` (another
 * branch's) is not left behind in `dist/` to run.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Migration } from 'kysely';

const MIGRATION_FILE = /^(\d{4}-[a-z0-9-]+)\.(?:js|ts)$/;

/** Each migration by name (`0001-initial`), in name order: the order Kysely runs them in. */
export async function loadMigrations(): Promise<Record<string, Migration>> {
  const files = readdirSync(fileURLToPath(new URL('.', import.meta.url)))
    .filter((file) => MIGRATION_FILE.test(file))
    .sort();
  const modules = await Promise.all(files.map((file) => import(`./${file}`) as Promise<Partial<Migration>>));
  const migrations: Record<string, Migration> = {};
  files.forEach((file, index) => {
    const name = MIGRATION_FILE.exec(file)?.[1] as string;
    const { up, down } = modules[index] ?? {};
    if (typeof up !== 'function') throw new Error(`migration ${file} exports no up(db)`);
    if (name in migrations) throw new Error(`two files for migration ${name}`);
    migrations[name] = down === undefined ? { up } : { up, down };
  });
  return migrations;
}

let loaded: Promise<Record<string, Migration>> | undefined;

/** The migrations, read from the folder once per process. */
export function migrations(): Promise<Record<string, Migration>> {
  loaded ??= loadMigrations();
  return loaded;
}
