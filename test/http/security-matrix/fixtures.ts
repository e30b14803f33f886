/**
 * Every fixture of the security matrix, one table: a route of the app without an entry here fails the suite.
 * The parts are the `fixtures-*.ts` files beside this one, each exporting its table, read from the folder so
 * a new entity's fixtures are one new file and not also a line here.
 */
import { readdirSync } from 'node:fs';
import type { Fixtures } from './fixture.js';

const PART_FILE = /^fixtures-[a-z-]+\.ts$/;

/** Each part's exported tables (a part may export helpers too: only objects of fixtures are taken). */
async function parts(): Promise<Fixtures[]> {
  const files = readdirSync(import.meta.dirname)
    .filter((file) => PART_FILE.test(file))
    .sort();
  const modules = await Promise.all(files.map((file) => import(`./${file}`) as Promise<Record<string, unknown>>));
  return modules.flatMap((module, index) => {
    const tables = Object.entries(module).filter(([name]) => name.endsWith('_FIXTURES'));
    if (tables.length === 0) throw new Error(`${files[index]} exports no *_FIXTURES table`);
    return tables.map(([, table]) => table as Fixtures);
  });
}

function merged(parts: readonly Fixtures[]): Fixtures {
  const all: Record<string, Fixtures[string]> = {};
  for (const part of parts) {
    for (const [route, fixture] of Object.entries(part)) {
      if (route in all) throw new Error(`two fixtures for ${route}`);
      all[route] = fixture;
    }
  }
  return all;
}

export const FIXTURES: Fixtures = merged(await parts());
