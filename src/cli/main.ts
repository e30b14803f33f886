#!/usr/bin/env node
/** The `keyward` command. `keyward serve` runs the server; `keyward --help` lists its settings. */
import { Command } from 'commander';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type Config } from '../http/config.js';
import { VERSION } from '../http/app.js';
import { serve } from '../http/server.js';

const program = new Command()
  .name('keyward')
  .description('Self-hostable API keys and permissions')
  .version(VERSION)
  .addHelpText('after', '\nEnvironment variables (flags override them):\n' + CONFIG_VARIABLES.map((v) => `  ${v.name.padEnd(30)} ${v.description} (default: ${v.default})`).join('\n'));

program
  .command('serve')
  .description('start the server')
  .option('--host <host>', 'address to listen on (KEYWARD_HOST)')
  .option('--port <port>', 'port to listen on (KEYWARD_PORT)')
  .option('--data-dir <dir>', 'data directory (KEYWARD_DATA_DIR)')
  .option('--database-url <url>', 'PostgreSQL URL (KEYWARD_DATABASE_URL)')
  .action(async (flags: { host?: string; port?: string; dataDir?: string; databaseUrl?: string }) => {
    let config: Config;
    try {
      config = loadConfig({
        ...process.env,
        ...(flags.host === undefined ? {} : { KEYWARD_HOST: flags.host }),
        ...(flags.port === undefined ? {} : { KEYWARD_PORT: flags.port }),
        ...(flags.dataDir === undefined ? {} : { KEYWARD_DATA_DIR: flags.dataDir }),
        ...(flags.databaseUrl === undefined ? {} : { KEYWARD_DATABASE_URL: flags.databaseUrl }),
      });
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`keyward: ${error.message}\n`);
        process.exit(2);
      }
      throw error;
    }
    try {
      await serve(config);
    } catch (error) {
      process.stderr.write(`keyward: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    }
  });

(await import('./pepper.command.js')).registerPepperCommands(program);

await program.parseAsync(process.argv);
