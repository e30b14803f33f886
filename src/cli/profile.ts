/**
 * Where the CLI finds its server and credential: a named profile in `<config dir>/keyward/profiles.json`
 * (mode 0600; the config dir is $XDG_CONFIG_HOME or ~/.config), overridden by KEYWARD_URL and
 * KEYWARD_KEY, so that CI can run it with no file at all. A profile holds a key (`keyward login`)
 * or an SSO session (`keyward login --sso`): a person's short-lived sign-in, never a key, which
 * `keyward logout` ends on the server and removes here.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './output.js';

/** A session from `keyward login --sso`, sent as `Authorization: Bearer <token>` like a key. */
export interface StoredSession {
  readonly token: string;
  readonly id: string;
  readonly email: string;
  readonly expiresAt: string;
}

/** As stored: a key, or a session. */
export type StoredProfile =
  | { readonly url: string; readonly key: string; readonly session?: undefined }
  | { readonly url: string; readonly session: StoredSession; readonly key?: undefined };

/** As API commands use it: the server and what to send as the bearer (a key or a session token). */
export interface Profile {
  readonly url: string;
  readonly key: string;
}

interface ProfileFile {
  profiles: Record<string, StoredProfile>;
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

export function saveProfile(name: string, profile: StoredProfile): string {
  return writeProfiles((profiles) => {
    profiles[name] = profile;
  });
}

/** Forgets a profile; whether there was one. */
export function removeProfile(name: string): boolean {
  let removed = false;
  writeProfiles((profiles) => {
    removed = profiles[name] !== undefined;
    delete profiles[name];
  });
  return removed;
}

export function storedProfile(name: string | undefined): StoredProfile | undefined {
  return readFile().profiles[name ?? DEFAULT_PROFILE];
}

function writeProfiles(change: (profiles: Record<string, StoredProfile>) => void): string {
  const path = profilePath();
  const file = readFile();
  change(file.profiles);
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
  const key = process.env['KEYWARD_KEY'] || stored?.key || stored?.session?.token;
  if (url === undefined || key === undefined)
    throw new UsageError('not logged in: run keyward login, or set KEYWARD_URL and KEYWARD_KEY');
  return { url, key };
}
