/** Reading the deployment files (Dockerfile, compose, Kubernetes) the way the deploy tests check them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG_VARIABLES } from '../../src/http/config.js';

export const ROOT = resolve(import.meta.dirname, '../..');

export function readRepoFile(path: string): string {
  return readFileSync(resolve(ROOT, path), 'utf8');
}

/** Every file under a repository folder, as repository paths. */
export function repoFilesUnder(dir: string): string[] {
  return readdirSync(resolve(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(ROOT.length + 1));
}

/** `KEYWARD_*` names in a text that Keyward's config table does not know. */
export function unknownSettings(text: string): string[] {
  const known = new Set(CONFIG_VARIABLES.map((variable) => variable.name));
  return [...new Set(text.match(/\bKEYWARD_[A-Z0-9_]+\b/g) ?? [])].filter((name) => !known.has(name));
}
