/**
 * `keyward pepper rotate` and `keyward pepper status`: the pepper rotation procedure of
 * docs/deploy.md. Both open the configured storage directly (like `serve`), with every node
 * stopped for `rotate`: running nodes would go on sealing and hashing under the old pepper.
 */
import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../http/config.js';
import { keysUnderPreviousPepper, rotatePepper } from '../modules/instance/pepper-rotation.js';
import { openStorage, type Storage } from '../storage/open-storage.js';
import { errorLine, line } from './output.js';

type Print = (line: string) => void;

function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      errorLine(`keyward: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

async function withStorage<T>(config: Config, work: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openStorage({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.databaseSchema,
  });
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

/** Runs `rotate`; answers the process exit code. */
export async function runPepperRotate(config: Config, force: boolean, print: Print, complain: Print): Promise<number> {
  if (config.pepper === undefined || config.pepperPrevious === undefined) {
    complain('keyward: set KEYWARD_PEPPER to the new pepper and KEYWARD_PEPPER_PREVIOUS to the current one');
    return 2;
  }
  const [previous, next] = [Buffer.from(config.pepperPrevious, 'utf8'), Buffer.from(config.pepper, 'utf8')];
  const result = await withStorage(config, (storage) =>
    rotatePepper(storage.db, config.model, { previous, next, force, now: Date.now() }),
  );
  if (!result.ok) {
    complain(`keyward: ${result.problem.detail}`);
    return 1;
  }
  const report = result.value;
  print(
    `Pepper rotated: ${report.secrets} secret values, ${report.mfaSeeds} TOTP seeds and ${report.webhookKeys} webhook keys re-sealed, ${report.chains} audit chains re-MACed.`,
  );
  if (report.unreadable > 0)
    print(`  ${report.unreadable} sealed values did not open under the previous pepper and were left as they were.`);
  if (report.brokenChains.length > 0)
    print(
      `  Audit chains that failed their check before re-sealing (still reported by /v1/audit/verify): ${report.brokenChains.join(', ')}`,
    );
  print(`  ${report.keysPending} live keys hash under the previous pepper until their next use: start every node with`);
  print(
    '  KEYWARD_PEPPER=<new> KEYWARD_PEPPER_PREVIOUS=<previous>, and drop KEYWARD_PEPPER_PREVIOUS once `keyward pepper status` says 0.',
  );
  return 0;
}

/** Runs `status`; answers the process exit code. */
export async function runPepperStatus(config: Config, print: Print): Promise<number> {
  const pending = await withStorage(config, (storage) => keysUnderPreviousPepper(storage.db));
  print(
    `${pending} live keys still hash under the previous pepper${pending === 0 ? ': KEYWARD_PEPPER_PREVIOUS may be removed' : ''}.`,
  );
  return 0;
}

export function registerPepperCommands(program: Command): void {
  const pepper = program.command('pepper').description('rotate the server pepper (docs/deploy.md)');
  const print: Print = (text) => line(text);
  const complain: Print = (text) => errorLine(text);
  pepper
    .command('rotate')
    .description(
      're-seal secrets, TOTP seeds and audit chains under KEYWARD_PEPPER, from KEYWARD_PEPPER_PREVIOUS (stop every node first)',
    )
    .option('--force', 'rotate even while keys still hash under the pepper before the previous one (they stop working)')
    .action(async (flags: { force?: boolean }) => {
      process.exitCode = await runPepperRotate(configOrExit(), flags.force === true, print, complain);
    });
  pepper
    .command('status')
    .description('how many live keys still hash under the previous pepper')
    .action(async () => {
      process.exitCode = await runPepperStatus(configOrExit(), print);
    });
}
