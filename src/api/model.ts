/** `GET /v1/model`: the authorization model in force, so that the UI and CLI build their pickers from it. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';

const Names = (description: string) => Type.Array(Type.String(), { description });

export const ModelDescription = Type.Object({
  actions: Names('every action a check may ask about'),
  roles: Type.Array(
    Type.Object({
      name: Type.String(),
      actions: Names("every action the role grants, its included roles' too"),
      storeAs: Nullable(
        Type.String(),
        'a legacy role: scopes naming it are stored as this role plus the actions it adds (agent:executor as agent:viewer+run)',
      ),
    }),
  ),
  types: Type.Array(
    Type.Object({
      name: Type.String(),
      roles: Names('roles a scope on this type may name'),
      parents: Names('types a resource of this type may be created under'),
      topLevel: Type.Boolean({ description: 'may sit with no parent' }),
      catalogue: Type.Boolean({
        description:
          'every key its visibility reaches may discover a resource of the type with no grant (id, type, name, parent, visibility)',
      }),
      value: Type.Union([Type.Literal('none'), Type.Literal('clear'), Type.Literal('secret')], {
        description: 'whether resources of the type carry a value, and whether it is encrypted at rest',
      }),
    }),
  ),
  levels: Type.Array(
    Type.Object({
      name: Type.String(),
      actions: Names('what the level grants on every resource of a type (empty for none)'),
      types: Names('types the level may be set on'),
    }),
  ),
  permissions: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      scope: Type.Union([Type.Literal('environment'), Type.Literal('tenant')]),
      adminOnly: Type.Boolean({ description: 'only admin keys may hold it' }),
      alwaysHeld: Type.Boolean({ description: 'every valid key holds it; never granted or removed' }),
    }),
  ),
  presets: Type.Array(
    Type.Object({
      name: Type.String(),
      scopes: Names('scopes a key made from the preset starts with'),
      permissions: Names('named permissions a key made from the preset starts with'),
      adminOnly: Type.Boolean({ description: 'only admin keys may be made from it' }),
      icon: Nullable(Type.String(), 'what the wizard shows beside its name (seed 004: 🚀 for deploy); null: none'),
      useCase: Nullable(Type.String(), 'what it is for, in a few words (seed 004: "CI/CD pipelines, deployments")'),
    }),
  ),
});

export type ModelDescriptionObject = Static<typeof ModelDescription>;
