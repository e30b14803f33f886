/**
 * Instance care with no server running: `root-key reset` (a new root key, printed once; the old
 * one revoked; audited) and `doctor` (configuration, database, pepper, data dir modes). Their
 * work (instance-ops.ts) is loaded only when one runs.
 */
import type { Command } from 'commander';
import { fail } from './output.js';
import { addConfigOptions, configFrom } from './server-config.js';

export function registerInstance(program: Command): void {
  const rootKey = program.command('root-key').description('the instance root key');
  addConfigOptions(
    rootKey.command('reset').description('make a new root key (printed once) and revoke the old one; audited'),
  ).action(async (_o, command: Command) => {
    try {
      const { resetRoot } = await import('./instance-ops.js');
      await resetRoot(configFrom(command));
    } catch (error) {
      fail(error);
    }
  });

  addConfigOptions(
    program
      .command('doctor')
      .description(
        'check configuration, database, Redis and every other configured dependency, pepper and data dir modes',
      ),
  ).action(async (_o, command: Command) => {
    try {
      const { doctor } = await import('./instance-ops.js');
      await doctor(configFrom(command));
    } catch (error) {
      fail(error);
    }
  });
}
