/**
 * The create-key wizard's state and rules (seed 004), apart from its markup so they can be
 * tested alone: four steps, what stops each one's Next, the expiry's default and maximum
 * from the settings, and the request the review step sends.
 */
import type { CreateKeyInput, ModelDescriptionObject } from './api';
import { blockers, withPreset, type GrantSet, type Grantor } from '../../src/api/grants.js';

export const STEPS = ['Preset', 'Scopes', 'Groups', 'Review'] as const;

export interface Draft {
  readonly name: string;
  readonly kind: 'application' | 'user';
  readonly userId: string;
  readonly environmentId: string;
  readonly admin: boolean;
  readonly preset: string;
  readonly grants: GrantSet;
  readonly policyIds: readonly string[];
  readonly groupIds: readonly string[];
  /** Whole days as typed, 'never', or 'default' (left to the server's settings, when this key may not read them). */
  readonly expiry: string;
}

/** The expiry settings in force where the key is made (environment over tenant); null = unset. */
export interface ExpiryRules {
  readonly defaultDays: number | null;
  readonly maxDays: number | null;
  /** False when the key may not read the settings (they need tenant.manage): both are then unknown. */
  readonly known: boolean;
}

export function emptyDraft(environmentId: string, rules: ExpiryRules): Draft {
  return {
    name: '',
    kind: 'application',
    userId: '',
    environmentId,
    admin: false,
    preset: 'custom',
    grants: { permissions: [], scopes: [], levels: {} },
    policyIds: [],
    groupIds: [],
    expiry: !rules.known ? 'default' : rules.defaultDays === null ? 'never' : String(rules.defaultDays),
  };
}

/** Picking a preset starts the grants from its scopes and permissions; the rest of the draft stays. */
export function choosePreset(model: ModelDescriptionObject, draft: Draft, preset: string): Draft {
  const previous = model.presets.find((candidate) => candidate.name === draft.preset);
  const kept: GrantSet = {
    ...draft.grants,
    scopes: draft.grants.scopes.filter((scope) => !previous?.scopes.includes(scope)),
    permissions: draft.grants.permissions.filter((permission) => !previous?.permissions.includes(permission)),
  };
  return { ...draft, preset, grants: withPreset(model, kept, preset) };
}

export function expiryProblem(expiry: string, rules: ExpiryRules): string | null {
  if (expiry === 'default') return null;
  if (expiry === 'never')
    return rules.maxDays === null
      ? null
      : `keys here expire within ${rules.maxDays} days at most: pick a number of days`;
  const days = Number(expiry);
  if (!Number.isInteger(days) || days < 1) return 'expiry must be a whole number of days, at least 1';
  if (rules.maxDays !== null && days > rules.maxDays) return `at most ${rules.maxDays} days here`;
  return null;
}

/** What stops Next (or Create) on a step; empty when it may go on. */
export function stepProblems(step: number, draft: Draft, grantor: Grantor, rules: ExpiryRules): string[] {
  const problems: string[] = [];
  if (step === 0) {
    if (draft.name.trim() === '') problems.push('name the key');
    if (draft.kind === 'user' && draft.userId === '') problems.push('pick the user who owns the key');
    if (draft.environmentId === '') problems.push('pick an environment');
    const why = grantor.preset(draft.preset, draft.admin);
    if (why !== null) problems.push(`preset ${draft.preset}: ${why}`);
  }
  if (step === 1) {
    problems.push(...blockers(grantor, draft.grants, draft.admin));
    const expiry = expiryProblem(draft.expiry, rules);
    if (expiry !== null) problems.push(expiry);
  }
  if (step === 3) {
    for (let earlier = 0; earlier < 3; earlier += 1) problems.push(...stepProblems(earlier, draft, grantor, rules));
  }
  return problems;
}

/** Whether the draft still holds every grant of its preset, so the key may be recorded as made from it. */
function keepsPreset(model: ModelDescriptionObject, draft: Draft): boolean {
  const preset = model.presets.find((candidate) => candidate.name === draft.preset);
  if (preset === undefined || draft.preset === 'custom') return false;
  return (
    preset.scopes.every((scope) => draft.grants.scopes.includes(scope)) &&
    preset.permissions.every((id) => draft.grants.permissions.includes(id))
  );
}

export function toCreateInput(model: ModelDescriptionObject, draft: Draft): CreateKeyInput {
  const { grants } = draft;
  return {
    name: draft.name.trim(),
    kind: draft.kind,
    environmentId: draft.environmentId,
    ...(draft.kind === 'user' ? { userId: draft.userId } : {}),
    ...(draft.admin ? { admin: true } : {}),
    ...(keepsPreset(model, draft) ? { preset: draft.preset } : {}),
    ...(grants.permissions.length > 0 ? { permissions: [...grants.permissions] } : {}),
    ...(grants.scopes.length > 0 ? { scopes: [...grants.scopes] } : {}),
    ...(Object.keys(grants.levels).length > 0 ? { levels: { ...grants.levels } } : {}),
    ...(draft.policyIds.length > 0 ? { policyIds: [...draft.policyIds] } : {}),
    ...(draft.groupIds.length > 0 ? { groupIds: [...draft.groupIds] } : {}),
    ...(draft.expiry === 'default' ? {} : { expiresInDays: draft.expiry === 'never' ? null : Number(draft.expiry) }),
  };
}
