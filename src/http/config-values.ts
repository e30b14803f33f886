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

export function onOff(env: Env, name: string): boolean {
  const raw = optional(env, name);
  if (raw === undefined || raw === 'off') return false;
  if (raw === 'on') return true;
  throw new ConfigError(`${name} must be on or off, got "${raw}"`);
}

export function sampleRate(env: Env, name: string): number {
  const raw = optional(env, name);
  if (raw === undefined || raw === 'off') return 0;
  if (raw === 'on') return 1;
  const value = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || value > 1)
    throw new ConfigError(`${name} must be off, on or a sample rate from 0 to 1, got "${raw}"`);
  return value;
}
