/**
 * The server's settings as flags, generated from CONFIG_VARIABLES: every `KEYWARD_FOO_BAR` is
 * `--foo-bar`, so a setting added to the table is a flag of `serve` (and of the commands that
 * open the database) without touching the CLI. Flags override the environment.
 */
import { Option, type Command } from 'commander';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type Config } from '../http/config.js';
import { errorLine } from './output.js';

export function flagOf(variable: string): string {
  return `--${variable
    .replace(/^KEYWARD_/, '')
    .toLowerCase()
    .replace(/_/g, '-')}`;
}

const OPTIONS = CONFIG_VARIABLES.map((variable) => ({
  variable: variable.name,
  option: new Option(
    `${flagOf(variable.name)} <value>`,
    `${variable.description} (${variable.name}; default: ${variable.default})`,
  ),
}));

export function addConfigOptions(command: Command): Command {
  for (const { option } of OPTIONS) command.addOption(option);
  return command;
}

/** The configuration from the environment and the command's flags; a bad one exits 2, naming it. */
export function configFrom(command: Command): Config {
  const flags = command.opts<Record<string, unknown>>();
  const env: Record<string, string | undefined> = { ...process.env };
  for (const { variable, option } of OPTIONS) {
    const value = flags[option.attributeName()];
    if (typeof value === 'string') env[variable] = value;
  }
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      errorLine(`keyward: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}
