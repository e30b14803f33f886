#!/usr/bin/env node
/**
 * The `keyward` command: the server and its care (`serve`, `migrate`, `backup`, `restore`,
 * `root-key reset`, `doctor`), and every API call from a terminal or a script, through
 * `keyward/client`. Each command group lives in its own `*.command.ts` and registers with one
 * line below.
 */
import { Command } from 'commander';
import { CONFIG_VARIABLES } from '../http/config.js';
import { readFileSync } from 'node:fs';
import { registerAccount } from './account.command.js';
import { registerAudit } from './audit.command.js';
import { registerCompletion } from './completion.command.js';
import { registerDatabase } from './database.command.js';
import { registerGroups, registerPolicies } from './groups.command.js';
import { registerInstance } from './instance.command.js';
import { registerKeys } from './keys.command.js';
import { COMMANDER_OUTPUT } from './output.js';
import { registerResources } from './resources.command.js';
import { registerServe } from './serve.command.js';
import { registerEnvironments, registerTenants } from './tenants.command.js';
import { registerUsers } from './users.command.js';
import { registerWebhooks } from './webhooks.command.js';
import { registerWebhookKeys } from './webhook-keys.command.js';

// Read here rather than imported from the server, so that an API command loads none of it.
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const program = new Command()
  .name('keyward')
  .description('Self-hostable API keys and permissions')
  .version(VERSION)
  .option('--json', 'print the API objects as JSON, for scripts')
  .option('--profile <name>', 'the login profile to use (default: "default")')
  .showHelpAfterError()
  // Before the commands are added: they copy it. Help and errors echo what was typed, escaped as all output is.
  .configureOutput(COMMANDER_OUTPUT)
  .addHelpText(
    'after',
    '\nEnvironment variables (flags override them):\n' +
      CONFIG_VARIABLES.map((v) => `  ${v.name.padEnd(30)} ${v.description} (default: ${v.default})`).join('\n') +
      '\n  KEYWARD_URL / KEYWARD_KEY      the server and key API commands use, over the login profile',
  );

// `keyward keys list | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Command groups, one line each.
registerServe(program);
registerDatabase(program);
registerInstance(program);
registerAccount(program);
registerTenants(program);
registerEnvironments(program);
registerUsers(program);
registerKeys(program);
registerPolicies(program);
registerGroups(program);
registerResources(program);
registerWebhookKeys(program);
registerAudit(program);
registerWebhooks(program);
registerCompletion(program);

(await import('./pepper.command.js')).registerPepperCommands(program);

await program.parseAsync(process.argv);
