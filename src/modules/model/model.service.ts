/**
 * The model in force as plain data for `GET /v1/model`: what the UI and CLI need to offer only
 * valid choices (a type's roles, the levels a type takes, each preset's grants).
 */
import { CREATE_ACTION, type AuthModel } from '../../core/model/model.js';
import type { ModelDescriptionObject } from '../../api/model.js';
import { levelsApplyTo } from '../../core/grants/grant-set.js';

export function describeModel(model: AuthModel): ModelDescriptionObject {
  const types = [...model.types.values()];
  return {
    actions: [...model.actions],
    roles: [...model.roles.values()].map((role) => ({
      name: role.name,
      actions: [...role.actions],
      storeAs: role.storeAs,
    })),
    types: types.map((type) => ({
      name: type.name,
      roles: [...type.roles],
      parents: [...type.parents],
      topLevel: type.topLevel,
      catalogue: type.catalogue === true,
      value: type.value,
    })),
    levels: [...model.levels].map(([name, level]) => ({
      name,
      // A level's create is creating resources of the type: said as the action it is.
      actions:
        level === null
          ? []
          : [...level.actions, ...(level.createsType && !level.actions.has(CREATE_ACTION) ? [CREATE_ACTION] : [])],
      types: types.filter((type) => levelsApplyTo(model, type.name)).map((type) => type.name),
    })),
    permissions: [...model.permissions.values()].map((p) => ({
      id: p.id,
      title: p.title,
      scope: p.scope,
      adminOnly: p.adminOnly,
      alwaysHeld: p.alwaysHeld,
    })),
    presets: [...model.presets.values()].map((preset) => ({
      name: preset.name,
      scopes: [...preset.scopes],
      permissions: [...preset.permissions],
      adminOnly: preset.adminOnly,
      icon: preset.icon,
      useCase: preset.useCase,
    })),
  };
}
