/**
 * Reading the model document's shape: mappings, lists of names, flags and the fields each entry
 * may have, every error collected with the path of the entry it names (`roles.editor.actions[0]`)
 * rather than thrown, so an operator sees every mistake of a model file at once.
 */

export type Raw = Record<string, unknown>;

export const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const PERMISSION_ID = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

export function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Errors {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

export function record(raw: unknown, path: string, errors: Errors): Raw {
  if (isRecord(raw)) return raw;
  errors.add(path, 'must be a mapping');
  return {};
}

export function names(raw: unknown, path: string, errors: Errors): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    errors.add(path, 'must be a list');
    return [];
  }
  return raw.filter((item, i) => {
    if (typeof item === 'string') return true;
    errors.add(`${path}[${i}]`, 'must be a string');
    return false;
  });
}

export function flag(raw: unknown, path: string, errors: Errors): boolean {
  if (raw === undefined) return false;
  if (typeof raw === 'boolean') return raw;
  errors.add(path, 'must be true or false');
  return false;
}

/** An optional short text shown to people (a preset's icon or use case); null when absent. */
export function optionalText(raw: unknown, path: string, maxLength: number, errors: Errors): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string' && raw.trim() !== '' && raw.length <= maxLength) return raw;
  errors.add(path, `must be a non-empty string of at most ${maxLength} characters`);
  return null;
}

export function unknownKeys(raw: Raw, allowed: readonly string[], path: string, errors: Errors): void {
  for (const key of Object.keys(raw)) if (!allowed.includes(key)) errors.add(`${path}.${key}`, 'unknown field');
}

export function checkActions(list: string[], actions: ReadonlySet<string>, path: string, errors: Errors): void {
  list.forEach((action, i) => {
    if (!actions.has(action)) errors.add(`${path}[${i}]`, `unknown action "${action}"`);
  });
}
