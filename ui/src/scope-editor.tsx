/**
 * The grants of a key or a policy, edited the same way everywhere: scopes added with the
 * picker and removed one by one, named permissions as checkboxes, and levels per type. What
 * the signed-in key may not grant is disabled with its reason next to it.
 */
import { useId } from 'react';
import type { ModelDescriptionObject } from './api';
import { levelTypes, type GrantSet, type Grantor } from '../../src/api/grants.js';
import { ScopePicker, type ResourceSearch } from './scope-picker';

export interface ScopeEditorProps {
  readonly model: ModelDescriptionObject;
  readonly grantor: Grantor;
  readonly value: GrantSet;
  readonly onChange: (value: GrantSet) => void;
  /** Whether the grants are for an admin key (admin-only permissions need one). */
  readonly forAdminKey: boolean;
  readonly searchResources?: ResourceSearch | undefined;
}

export function ScopeEditor({ model, grantor, value, onChange, forAdminKey, searchResources }: ScopeEditorProps) {
  const id = useId();
  const togglePermission = (permission: string, on: boolean) =>
    onChange({
      ...value,
      permissions: on
        ? [...value.permissions, permission]
        : value.permissions.filter((candidate) => candidate !== permission),
    });
  const setLevel = (type: string, level: string) => {
    const levels: Record<string, string> = { ...value.levels };
    if (level === '') delete levels[type];
    else levels[type] = level;
    onChange({ ...value, levels });
  };
  const grantable = model.permissions.filter((permission) => !permission.alwaysHeld);

  return (
    <div className="scope-editor">
      <h4 id={`${id}-scopes`}>Scopes</h4>
      {value.scopes.length === 0 ? (
        <p className="help">No scopes.</p>
      ) : (
        <ul className="chips" aria-labelledby={`${id}-scopes`}>
          {value.scopes.map((scope) => (
            <li key={scope}>
              <code>{scope}</code>
              <button
                type="button"
                className="link"
                aria-label={`Remove ${scope}`}
                onClick={() => onChange({ ...value, scopes: value.scopes.filter((candidate) => candidate !== scope) })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <ScopePicker
        model={model}
        grantor={grantor}
        taken={value.scopes}
        onAdd={(scope) => onChange({ ...value, scopes: [...value.scopes, scope] })}
        searchResources={searchResources}
      />

      <fieldset className="permissions">
        <legend>Named permissions</legend>
        {grantable.map((permission) => {
          const checked = value.permissions.includes(permission.id);
          const why = grantor.permission(permission.id, forAdminKey);
          const box = `${id}-perm-${permission.id}`;
          return (
            <div key={permission.id} className="check">
              <input
                id={box}
                type="checkbox"
                checked={checked}
                disabled={why !== null && !checked}
                aria-describedby={`${box}-why`}
                onChange={(event) => togglePermission(permission.id, event.target.checked)}
              />
              <label htmlFor={box}>
                <code>{permission.id}</code> <span className="help">{permission.title}</span>
                {permission.scope === 'tenant' ? <span className="tag">tenant</span> : null}
                {permission.adminOnly ? <span className="tag">admin only</span> : null}
              </label>
              <span id={`${box}-why`} className="why">
                {why ?? ''}
              </span>
            </div>
          );
        })}
      </fieldset>

      <details className="levels">
        <summary>Levels (component access per type)</summary>
        <div className="grid">
          {levelTypes(model).map((type) => (
            <LevelSelect
              key={type}
              type={type}
              model={model}
              grantor={grantor}
              value={value.levels[type] ?? ''}
              onChange={(level) => setLevel(type, level)}
            />
          ))}
        </div>
      </details>
    </div>
  );
}

function LevelSelect({
  type,
  model,
  grantor,
  value,
  onChange,
}: {
  type: string;
  model: ModelDescriptionObject;
  grantor: Grantor;
  value: string;
  onChange: (level: string) => void;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{type}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">not set</option>
        {model.levels.map((level) => {
          const why = grantor.level(type, level.name);
          return (
            <option key={level.name} value={level.name} disabled={why !== null && value !== level.name}>
              {why === null ? level.name : `${level.name} (${why})`}
            </option>
          );
        })}
      </select>
    </>
  );
}
