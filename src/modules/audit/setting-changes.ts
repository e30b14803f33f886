/**
 * What a settings change changed, for its audit event: each field the request named whose value
 * changed, with its old and new value as the API shows them (issue 21: names alone do not say
 * whether an allowlist was narrowed or cleared). Only for objects that hold no secret.
 */

export type SettingChanges = Record<string, { readonly from: unknown; readonly to: unknown }>;

export function settingChanges<T extends object>(before: T, after: T, fields: readonly string[]): SettingChanges {
  const changes: SettingChanges = {};
  for (const field of fields) {
    const [from, to] = [
      (before as Record<string, unknown>)[field] ?? null,
      (after as Record<string, unknown>)[field] ?? null,
    ];
    // Values are JSON (numbers, strings, booleans, string lists): equal when they serialise alike.
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
  }
  return changes;
}
