/**
 * Files only their owner may read (SPEC §6: every file Keyward writes in the data dir is 0600,
 * whatever the directory's mode). A mode given at creation is narrowed by the umask but never
 * applies to a file that already exists, so each file is also set to 0600 explicitly.
 */
import { chmodSync, closeSync, existsSync, openSync, writeFileSync } from 'node:fs';

export const OWNER_ONLY = 0o600;

/** Makes the file (empty) if it is missing, and 0600 either way. */
export function ensureOwnerOnlyFile(path: string): void {
  closeSync(openSync(path, 'a', OWNER_ONLY));
  chmodSync(path, OWNER_ONLY);
}

/** 0600 if the file exists; nothing otherwise. */
export function restrictIfPresent(path: string): void {
  if (existsSync(path)) chmodSync(path, OWNER_ONLY);
}

/** Writes a secret (a key, the pepper): `wx` refuses to replace one that exists. */
export function writeOwnerOnlyFile(path: string, text: string, flag: 'w' | 'wx' = 'w'): void {
  writeFileSync(path, text, { mode: OWNER_ONLY, flag });
  chmodSync(path, OWNER_ONLY);
}
