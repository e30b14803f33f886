/**
 * The prefixes of imported keys (issue 29): a presented string that is not of Keyward's format is
 * looked up only when it starts with one of these, by its SHA-256. Held by every node, loaded at
 * start and told of new ones through the change log (an `instance` change named
 * `import-prefix:<prefix>`), so a flood of foreign strings with no registered prefix costs no
 * lookup, and none at all while nothing was imported.
 */

import { IMPORT_PREFIX_CHANGE } from '../core/key-hash.js';

export interface ImportPrefixes {
  /** Whether `presented` starts with a registered prefix and has more after it. */
  matches(presented: string): boolean;
  add(prefix: string): void;
  /** Takes an `instance` change's entity id; adds the prefix it announces, if it announces one. */
  learn(changeEntityId: string): void;
  readonly size: number;
}

export function createImportPrefixes(initial: readonly string[] = []): ImportPrefixes {
  // Few in practice (one per system adopted): a scan beats any structure.
  let prefixes: string[] = [...new Set(initial)];
  const add = (prefix: string): void => {
    if (prefix !== '' && !prefixes.includes(prefix)) prefixes = [...prefixes, prefix];
  };
  return {
    matches(presented) {
      for (const prefix of prefixes) if (presented.length > prefix.length && presented.startsWith(prefix)) return true;
      return false;
    },
    add,
    learn(changeEntityId) {
      if (changeEntityId.startsWith(IMPORT_PREFIX_CHANGE)) add(changeEntityId.slice(IMPORT_PREFIX_CHANGE.length));
    },
    get size() {
      return prefixes.length;
    },
  };
}
