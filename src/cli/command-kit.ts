/**
 * What every API command shares: the client for the profile in force, the global `--json`, the
 * one place failures are printed, and the small option parsers commander needs.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { createClient, type KeywardClient } from '../client/management.js';
import { fail } from './output.js';
import { resolveProfile } from './profile.js';

export interface CommandContext {
  readonly client: KeywardClient;
  readonly json: boolean;
  /** The command's own options and the root's (`--json`, `--profile`). */
  readonly opts: Readonly<Record<string, unknown>>;
}

/** Runs a command body against the API; any failure is printed and the exit status set to 1. */
export async function run(command: Command, body: (context: CommandContext) => Promise<void>): Promise<void> {
  try {
    const opts = command.optsWithGlobals<Record<string, unknown>>();
    const profile = resolveProfile(typeof opts['profile'] === 'string' ? opts['profile'] : undefined);
    await body({ client: createClient({ baseUrl: profile.url, key: profile.key }), json: opts['json'] === true, opts });
  } catch (error) {
    fail(error);
  }
}

/** For a repeatable option: `--scope a --scope b` gives `['a', 'b']`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function integer(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return number;
}

/** `--level agent=edit` repeated: `{ agent: 'edit' }`. */
export function levels(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (values === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const value of values) {
    const [type, level] = value.split('=');
    if (type === undefined || level === undefined || type === '' || level === '')
      throw new InvalidArgumentError(`--level takes type=level (agent=edit), got "${value}"`);
    out[type] = level;
  }
  return out;
}

/** Removes undefined members so the API (which refuses unknown and null ones) gets only what was given. */
export function defined<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** Adds `--limit` and `--cursor` to a list command. */
export function paged(command: Command): Command {
  return command
    .option('--limit <n>', 'items per page (1-100)', integer)
    .option('--cursor <cursor>', 'the page after a previous one');
}

export const str = (opts: Readonly<Record<string, unknown>>, name: string): string | undefined =>
  typeof opts[name] === 'string' ? opts[name] : undefined;
export const num = (opts: Readonly<Record<string, unknown>>, name: string): number | undefined =>
  typeof opts[name] === 'number' ? opts[name] : undefined;
export const list = (opts: Readonly<Record<string, unknown>>, name: string): string[] | undefined =>
  Array.isArray(opts[name]) ? (opts[name] as string[]) : undefined;
