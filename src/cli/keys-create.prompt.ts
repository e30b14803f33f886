/**
 * The key wizard of seed 004 in a terminal: preset → scopes → sharing groups → review. Every
 * choice offered comes from the server: the presets and type roles of `GET /v1/model`, narrowed
 * to what the calling key may grant (`GET /v1/me`), and the groups it can see.
 */
import { checkbox, confirm, select } from '@inquirer/prompts';
import { grantorFor } from '../api/grants.js';
import type { CreateKeyInput } from '../api/keys.js';
import type { MeObject } from '../api/me.js';
import { readScope } from '../api/scopes.js';
import type { KeywardClient, ModelDescriptionObject } from '../client/management.js';
import { escapeControl, line } from './output.js';

type Chosen = Pick<CreateKeyInput, 'preset' | 'scopes' | 'groupIds'>;

/** Every type-wide scope the calling key may grant, by the rule the console uses too (src/api/grants.ts). */
export function grantableScopes(me: MeObject, model: ModelDescriptionObject): string[] {
  const grantor = grantorFor(model, me);
  return model.types.flatMap((type) =>
    type.roles.map((role) => `${type.name}:${role}`).filter((scope) => grantor.scope(scope) === null),
  );
}

/** A scope on one resource: the server judges it against that resource, which this wizard does not load. */
function onOneResource(model: ModelDescriptionObject, scope: string): boolean {
  const read = readScope(model, scope);
  return read.ok && read.scope.resourceId !== null;
}

export async function promptKeyGrants(
  client: KeywardClient,
  base: Readonly<Record<string, unknown>>,
): Promise<Chosen | null> {
  const [model, me, groups] = await Promise.all([client.model(), client.me(), client.groups.list({ limit: 100 })]);
  const offered = grantableScopes(me, model);
  const presets = model.presets.filter(
    (preset) =>
      (!preset.adminOnly || me.key.admin || me.grants.root) &&
      preset.scopes.every((scope) => offered.includes(scope) || onOneResource(model, scope)),
  );

  line('Step 1 of 4: preset');
  const presetName = await select({
    message: 'Start from a preset',
    choices: [
      ...presets.map((preset) => ({
        name: escapeControl(preset.name),
        value: preset.name,
        description: escapeControl(preset.scopes.join(', ') || '(no scopes)'),
      })),
      // The default model has its own `custom`; a model without one still gets a way to start empty.
      ...(presets.some((preset) => preset.name === 'custom')
        ? []
        : [{ name: 'none', value: '', description: 'choose every scope yourself' }]),
    ],
  });
  const preset = presets.find((p) => p.name === presetName);

  line('Step 2 of 4: scopes');
  const candidates = [...new Set([...(preset?.scopes ?? []), ...offered])];
  const scopes = await checkbox({
    message: 'Scopes (space toggles, enter accepts)',
    choices: candidates.map((scope) => ({
      name: escapeControl(scope),
      value: scope,
      checked: preset?.scopes.includes(scope) ?? false,
    })),
    pageSize: 15,
  });

  line('Step 3 of 4: sharing groups');
  if (groups.items.length === 0) line('  (no sharing groups to choose from)');
  const groupIds =
    groups.items.length === 0
      ? []
      : await checkbox({
          message: 'Sharing groups: they get owner of what the key creates',
          // The prompts print what they are given: the names come from the server, escaped as every other output.
          choices: groups.items.map((group) => ({
            name: escapeControl(`${group.name} (${group.id})`),
            value: group.id,
          })),
        });

  // A preset adds all its scopes back: name it only when the user kept every one of them.
  const keepsPreset = preset?.scopes.every((scope) => scopes.includes(scope));
  const chosen: Chosen = {
    ...(keepsPreset === true && preset !== undefined ? { preset: preset.name } : {}),
    scopes,
    groupIds,
  };

  line('Step 4 of 4: review');
  for (const [name, value] of Object.entries({ ...base, ...chosen }))
    line(`  ${name.padEnd(14)} ${Array.isArray(value) ? value.join(', ') || '-' : String(value)}`);
  return (await confirm({ message: 'Create this key?', default: true })) ? chosen : null;
}
