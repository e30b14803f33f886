/**
 * Commands on the database itself, with no server running: `migrate` (apply, or `--check`
 * exits 1 when one is pending), `backup <file>` and `restore <file>` for SQLite. Their work
 * (database-ops.ts) is loaded only when one runs.
 */
import type { Command } from 'commander';
import { fail } from './output.js';
import { addConfigOptions, configFrom } from './server-config.js';

export function registerDatabase(program: Command): void {
  addConfigOptions(
    program
      .command('migrate')
      .description('apply pending database migrations (no server needed)')
      .option('--check', 'apply nothing; exit 1 when a migration is pending'),
  ).action(async (_o, command: Command) => {
    try {
      const { migrate } = await import('./database-ops.js');
      await migrate(configFrom(command), command.opts()['check'] === true);
    } catch (error) {
      fail(error);
    }
  });

  addConfigOptions(
    program
      .command('backup <file>')
      .description('an online, consistent copy of the SQLite database (safe while the server runs)'),
  ).action(async (file: string, _o, command: Command) => {
    try {
      const { backup } = await import('./database-ops.js');
      await backup(configFrom(command), file);
    } catch (error) {
      fail(error);
    }
  });

  addConfigOptions(
    program
      .command('restore <file>')
      .description('replace the SQLite database with a backup (stop the server first)')
      .option('--force', 'replace a database that exists'),
  ).action(async (file: string, _o, command: Command) => {
    try {
      const { restore } = await import('./database-ops.js');
      await restore(configFrom(command), file, command.opts()['force'] === true);
    } catch (error) {
      fail(error);
    }
  });
}
