/**
 * Adds one scope: a type, then only that type's valid roles (from the model), then optionally
 * one resource found by name. A role the signed-in key may not grant is listed disabled with
 * its reason, so nothing is refused after submit.
 */
import { useEffect, useId, useState } from 'react';
import type { ModelDescriptionObject, ResourceObject } from './api';
import type { Grantor } from '../../src/api/grants.js';
import { formatScope } from '../../src/api/scopes.js';

/** Finds resources of a type by (part of) their name; absent where no search is offered. */
export type ResourceSearch = (type: string, text: string) => Promise<readonly ResourceObject[]>;

export interface ScopePickerProps {
  readonly model: ModelDescriptionObject;
  readonly grantor: Grantor;
  readonly taken: readonly string[];
  readonly onAdd: (scope: string) => void;
  readonly searchResources?: ResourceSearch | undefined;
}

export function ScopePicker({ model, grantor, taken, onAdd, searchResources }: ScopePickerProps) {
  const id = useId();
  const [type, setType] = useState(
    model.types.find((candidate) => candidate.name !== 'org')?.name ?? model.types[0]?.name ?? '',
  );
  const roles = model.types.find((candidate) => candidate.name === type)?.roles ?? [];
  const [role, setRole] = useState('');
  const [resourceId, setResourceId] = useState('');
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<readonly ResourceObject[]>([]);

  // A new type starts with its first grantable role, and with no resource picked.
  // biome-ignore lint/correctness/useExhaustiveDependencies: resets the picks when the type changes, and only then
  useEffect(() => {
    setRole(roles.find((candidate) => grantor.scope(`${type}:${candidate}`) === null) ?? roles[0] ?? '');
    setResourceId('');
    setSearch('');
    setFound([]);
  }, [type]);

  useEffect(() => {
    if (searchResources === undefined || search.trim() === '') return setFound([]);
    let current = true;
    const timer = setTimeout(() => {
      searchResources(type, search.trim())
        .then((items) => current && setFound(items))
        .catch(() => current && setFound([]));
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [search, type, searchResources]);

  const scope =
    role === '' ? '' : formatScope({ type, role, resourceId: resourceId === '' ? null : resourceId, plus: [] });
  const blocked = scope === '' ? 'pick a role' : taken.includes(scope) ? 'already added' : grantor.scope(scope);

  return (
    <fieldset className="scope-picker">
      <legend>Add a scope</legend>
      <label htmlFor={`${id}-type`}>Type</label>
      <select id={`${id}-type`} value={type} onChange={(event) => setType(event.target.value)}>
        {model.types.map((candidate) => (
          <option key={candidate.name} value={candidate.name}>
            {candidate.name}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-role`}>Role</label>
      <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value)}>
        {roles.map((candidate) => {
          const why = grantor.scope(`${type}:${candidate}`);
          return (
            <option key={candidate} value={candidate} disabled={why !== null && resourceId === ''}>
              {why === null ? candidate : `${candidate} (${why})`}
            </option>
          );
        })}
      </select>
      {searchResources !== undefined && (
        <>
          <label htmlFor={`${id}-search`}>Resource</label>
          <input
            id={`${id}-search`}
            type="search"
            value={search}
            placeholder={`every ${type}; or search by name`}
            onChange={(event) => setSearch(event.target.value)}
          />
          {found.length > 0 && (
            <>
              <label htmlFor={`${id}-resource`}>Found</label>
              <select id={`${id}-resource`} value={resourceId} onChange={(event) => setResourceId(event.target.value)}>
                <option value="">every {type} (type-wide)</option>
                {found.map((resource) => (
                  <option key={resource.id} value={resource.id}>
                    {resource.name} ({resource.id})
                  </option>
                ))}
              </select>
            </>
          )}
        </>
      )}
      <div className="span picker-actions">
        <button
          type="button"
          className="secondary"
          disabled={blocked !== null}
          aria-describedby={`${id}-why`}
          onClick={() => onAdd(scope)}
        >
          Add scope {scope}
        </button>
        <span id={`${id}-why`} className="help">
          {blocked ?? ''}
        </span>
      </div>
    </fieldset>
  );
}
