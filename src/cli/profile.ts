/**
 * Where the CLI finds its server and key: a named profile in `<config dir>/keyward/profiles.json`
 * (mode 0600; the config dir is $XDG_CONFIG_HOME or ~/.config), overridden by KEYWARD_URL and
 * KEYWARD_KEY, so that CI can run it with no file at all.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './output.js';

export interface Profile {
  readonly url: string;
  readonly key: string;
}

interface ProfileFile {
  profiles: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';

export function profilePath(): string {
  const configDir = process.env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return join(configDir, 'keyward', 'profiles.json');
}

function readFile(): ProfileFile {
  const path = profilePath();
  if (!existsSync(path)) return { profiles: {} };
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ProfileFile>;
  return { profiles: parsed.profiles ?? {} };
}

export function saveProfile(name: string, profile: Profile): string {
  const path = profilePath();
  const file = readFile();
  file.profiles[name] = profile;
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  // writeFileSync's mode applies only when it creates the file.
  chmodSync(path, 0o600);
  return path;
}

/** The profile in force: the named (or default) one, with KEYWARD_URL / KEYWARD_KEY over it. */
export function resolveProfile(name: string | undefined): Profile {
  const stored = readFile().profiles[name ?? DEFAULT_PROFILE];
  if (name !== undefined && name !== DEFAULT_PROFILE && stored === undefined)
    throw new UsageError(`no profile "${name}" in ${profilePath()}: run keyward login --profile ${name}`);
  const url = process.env['KEYWARD_URL'] || stored?.url;
  const key = process.env['KEYWARD_KEY'] || stored?.key;
  if (url === undefined || key === undefined)
    throw new UsageError('not logged in: run keyward login, or set KEYWARD_URL and KEYWARD_KEY');
  return { url, key };
}
