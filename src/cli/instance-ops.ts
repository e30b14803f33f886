/**
 * The work of `root-key reset` and `doctor` (instance.command.ts registers them): a new root key
 * printed once, the old one revoked, audited; and one line per check of the configuration,
 * database reachability and migrations, pepper match, data directory modes, and the other
 * dependencies configured (Redis, the tiers file, the trace collector: doctor-dependencies.ts).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../core/clock.js';
import type { Config } from '../http/config.js';
import { checkPepper, loadPepper } from '../modules/instance/pepper.js';
import { resetRootKey } from '../modules/instance/root-key-reset.js';
import { startAuditChains } from '../modules/audit/audit.service.js';
import { openStorage, pendingMigrations, type Storage } from '../storage/open-storage.js';
import { green, line, red, secret, yellow } from './output.js';

import { dependencyChecks, type Check } from './doctor-dependencies.js';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A file or directory others than its owner can read: the data dir holds the pepper and root key. */
function modeCheck(path: string, name: string, allowed: number): Check {
  if (!existsSync(path)) return { ok: 'warn', name, detail: `${path} does not exist yet` };
  const mode = statSync(path).mode & 0o777;
  const loose = (mode & ~allowed) !== 0;
  return {
    ok: !loose,
    name,
    detail: `${path} is ${mode.toString(8).padStart(4, '0')}${loose ? `; make it ${allowed.toString(8).padStart(4, '0')} (chmod ${allowed.toString(8)})` : ''}`,
  };
}

async function runChecks(config: Config): Promise<Check[]> {
  const checks: Check[] = [
    {
      ok: true,
      name: 'config',
      detail: `storage ${config.databaseUrl === undefined ? `SQLite in ${config.dataDir}` : 'PostgreSQL'}, port ${config.port}, model with ${config.model.types.size} types`,
    },
  ];
  if (config.databaseUrl === undefined) checks.push(modeCheck(config.dataDir, 'data dir', 0o700));
  if (config.pepper === undefined) checks.push(modeCheck(join(config.dataDir, 'pepper'), 'pepper file', 0o600));
  if (existsSync(join(config.dataDir, 'root.key')))
    checks.push(modeCheck(join(config.dataDir, 'root.key'), 'root.key', 0o600));
  checks.push(...(await dependencyChecks(config)));
  let storage: Storage;
  try {
    storage = await openStorage({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      schema: config.databaseSchema,
      migrate: false,
    });
  } catch (error) {
    return [...checks, { ok: false, name: 'database', detail: message(error) }];
  }
  try {
    checks.push({ ok: true, name: 'database', detail: `reached ${storage.location}` });
    const pending = await pendingMigrations(
      storage.migrationDb,
      config.databaseUrl === undefined ? undefined : config.databaseSchema,
    );
    checks.push(
      pending.length === 0
        ? { ok: true, name: 'migrations', detail: 'up to date' }
        : {
            ok: 'warn',
            name: 'migrations',
            detail: `${pending.length} pending (${pending.join(', ')}): keyward migrate, or the next start applies them`,
          },
    );
    const initialised = pending.length === 0 || !pending.includes('0001-initial');
    if (!initialised) checks.push({ ok: 'warn', name: 'pepper', detail: 'database not initialised yet' });
    else if (config.pepper === undefined && !existsSync(join(config.dataDir, 'pepper')))
      checks.push({ ok: false, name: 'pepper', detail: 'no KEYWARD_PEPPER and no pepper file in the data dir' });
    else if (
      (await storage.db
        .selectFrom('instance_settings')
        .select('name')
        .where('name', '=', 'pepper_fingerprint')
        .executeTakeFirst()) === undefined
    ) {
      // Checking would record this pepper as the instance's: leave that to the first start.
      checks.push({ ok: 'warn', name: 'pepper', detail: 'no pepper recorded yet: the first start records it' });
    } else {
      try {
        await checkPepper(storage.db, loadPepper(config.pepper, config.dataDir));
        checks.push({ ok: true, name: 'pepper', detail: 'matches the database' });
      } catch (error) {
        checks.push({ ok: false, name: 'pepper', detail: message(error) });
      }
    }
  } finally {
    await storage.close();
  }
  return checks;
}

export async function resetRoot(config: Config): Promise<void> {
  const storage = await openStorage({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.databaseSchema,
  });
  try {
    const pepper = loadPepper(config.pepper, config.dataDir);
    await checkPepper(storage.db, pepper);
    // The reset is audited: its events join the instance chain under the pepper's MAC key.
    await startAuditChains(storage.db, pepper);
    const deps = {
      db: storage.db,
      clock: systemClock,
      onCommitted: () => undefined,
      notifyChanges: storage.notifyChanges,
    };
    const result = await resetRootKey(deps, pepper, config.databaseUrl === undefined ? config.dataDir : null);
    if (!result.ok) throw new Error(`${result.problem.code}: ${result.problem.detail}`);
    line(`Revoked the root key ${result.value.previousKeyId ?? '-'}; the new root key is ${result.value.rootKeyId}.`);
    secret('Root key', result.value.key);
    if (config.databaseUrl === undefined) line(`Also written to ${join(config.dataDir, 'root.key')} (0600).`);
  } finally {
    await storage.close();
  }
}

/** Prints every check; exit status 1 when one failed (a warning does not fail). */
export async function doctor(config: Config): Promise<void> {
  const checks = await runChecks(config);
  for (const check of checks)
    line(
      check.ok === true ? green('ok  ') : check.ok === 'warn' ? yellow('warn') : red('FAIL'),
      `  ${check.name.padEnd(12)} ${check.detail}`,
    );
  if (checks.some((check) => check.ok === false)) process.exitCode = 1;
}
