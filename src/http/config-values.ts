/** Reading `KEYWARD_*` values: the pieces every group of settings is parsed with. */

/** A bad setting: the start stops with its message, which names the variable. */
export class ConfigError extends Error {}

export type Env = Readonly<Record<string, string | undefined>>;

/** One setting as `keyward --help` and docs/deploy.md list it. */
export interface ConfigVariable {
  readonly name: string;
  readonly description: string;
  readonly default: string;
}

export function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function text(env: Env, name: string, fallback: string): string {
  return optional(env, name) ?? fallback;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}
