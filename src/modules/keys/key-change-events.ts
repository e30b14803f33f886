/**
 * What a key's PATCH did, as audit events named for it (issue 26 item 6): `key.renamed`,
 * `key.metadata_changed`, `key.disabled`, `key.enabled`, `key.grants_changed`, `key.usage_changed`
 * and `key.ip_allowlist_changed`, one per kind of change a request made, each with the key's old and
 * new values of what it touched (`from`, `to`). A reader of the log then sees "disabled by ci-admin"
 * rather than five kinds of change all called `key.update`; `key.update` stays the route's action,
 * which a refused PATCH is recorded under (docs/audit-actions.md).
 */
import type { KeyObject, PatchKeyInput } from '../../api/keys.js';

type PatchField = keyof PatchKeyInput;

interface KeyChangeKind {
  /** The PATCH fields that make this kind of change. */
  readonly fields: readonly PatchField[];
  /** The key's fields shown old and new. */
  readonly shown: readonly (keyof KeyObject)[];
  readonly action: (input: PatchKeyInput) => string;
}

const KINDS: readonly KeyChangeKind[] = [
  { fields: ['name'], shown: ['name'], action: () => 'key.renamed' },
  { fields: ['metadata'], shown: ['metadata'], action: () => 'key.metadata_changed' },
  {
    fields: ['enabled'],
    shown: ['enabled'],
    action: (input) => (input.enabled === false ? 'key.disabled' : 'key.enabled'),
  },
  {
    fields: ['permissions', 'scopes', 'levels', 'policyIds', 'groupIds'],
    shown: ['permissions', 'scopes', 'levels', 'policyIds', 'groupIds'],
    action: () => 'key.grants_changed',
  },
  {
    fields: ['ratelimits', 'credits', 'creditsAdd'],
    shown: ['ratelimits', 'credits'],
    action: () => 'key.usage_changed',
  },
  { fields: ['ipAllowlist'], shown: ['ipAllowlist'], action: () => 'key.ip_allowlist_changed' },
];

/** Every audit action a key's PATCH may record, for docs and tests. */
export const KEY_CHANGE_ACTIONS: readonly string[] = [
  'key.renamed',
  'key.metadata_changed',
  'key.disabled',
  'key.enabled',
  'key.grants_changed',
  'key.usage_changed',
  'key.ip_allowlist_changed',
];

export interface KeyChangeEvent {
  readonly action: string;
  readonly details: Record<string, unknown>;
}

function pick(key: KeyObject, fields: readonly (keyof KeyObject)[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((field) => [field, key[field]]));
}

/**
 * The events of one PATCH, in a fixed order. `details` are the values the request set, as the
 * `key.updated` webhook has always carried them; each event keeps those of its own fields.
 */
export function keyChangeEvents(
  input: PatchKeyInput,
  before: KeyObject,
  after: KeyObject,
  details: Readonly<Record<string, unknown>>,
): KeyChangeEvent[] {
  const given = new Set(Object.keys(input));
  return KINDS.filter((kind) => kind.fields.some((field) => given.has(field))).map((kind) => {
    const fields = kind.fields.filter((field) => given.has(field));
    const own = Object.fromEntries(Object.entries(details).filter(([name]) => kind.shown.includes(name as never)));
    const added =
      details['creditsAdd'] === undefined || !fields.includes('creditsAdd')
        ? {}
        : { creditsAdd: details['creditsAdd'] };
    return {
      action: kind.action(input),
      details: { fields, ...own, ...added, from: pick(before, kind.shown), to: pick(after, kind.shown) },
    };
  });
}
