/**
 * Resources: what the key may discover, searched and paged on the server (`GET /v1/resources?q=`:
 * the start of a name, an id, an externalId) and shown as a tree by parent among the rows loaded;
 * create one (only under the parents its type allows, per the model), move it, change its
 * visibility, rename it, give it an external id (the id in the customer's own system) or delete
 * it from its row. Each action is decided by the check on the server, so a refusal shows its
 * reason here. The search lives in the URL, so a reload keeps it.
 */
import { useCallback, useState } from 'react';
import type { ResourceObject } from './api';
import { useConsole } from './console-context';
import { CreateResource } from './resource-create';
import { isVisibility, parentsFor, topLevel, VISIBILITIES, type Visibility } from './resource-rules';
import { FieldDialog, ItemActions, NewPanel } from './item-actions';
import { ListFooter } from './paged-table';
import { ErrorText } from './problem-text';
import { type ResourceFilter, resourceFilterOf, resourceFilterParams, resourcesQuery } from './resource-filter';
import { useAction } from './use-action';
import { usePagedList } from './use-paged-list';
import { href } from './use-route';
import { useTyped, useUrlFilter } from './use-url-filter';

function Node({
  resource,
  all,
  onChanged,
}: {
  resource: ResourceObject;
  all: readonly ResourceObject[];
  onChanged: () => void;
}) {
  const { api, model } = useConsole();
  const { busy, error, run } = useAction();
  const [editingExternalId, setEditingExternalId] = useState(false);
  const children = all.filter((candidate) => candidate.parentId === resource.id);
  const parents = parentsFor(model, resource.type, all, resource.id);
  const patch = (change: { parentId?: string | null; visibility?: Visibility }) =>
    run(async () => {
      await api.resources.update(resource.id, change);
      onChanged();
    });
  return (
    <li>
      <div className="node">
        <span className="tag">{resource.type}</span>{' '}
        <strong>
          <a href={href('resources', resource.id)}>{resource.name}</a>
        </strong>{' '}
        <code className="id">{resource.id}</code>
        {/* What a search by external id found it by: shown, or the match would look like chance. */}
        {typeof resource.externalId === 'string' && (
          <span className="help">
            external id <code>{resource.externalId}</code>
          </span>
        )}
        <label className="visually-hidden" htmlFor={`vis-${resource.id}`}>
          Visibility of {resource.name}
        </label>
        <select
          id={`vis-${resource.id}`}
          value={resource.visibility}
          disabled={busy}
          onChange={(event) => isVisibility(event.target.value) && void patch({ visibility: event.target.value })}
        >
          {VISIBILITIES.map((visibility) => (
            <option key={visibility} value={visibility}>
              {visibility.toLowerCase()}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor={`move-${resource.id}`}>
          Move {resource.name} under
        </label>
        <select
          id={`move-${resource.id}`}
          value={resource.parentId ?? ''}
          disabled={busy}
          onChange={(event) => void patch({ parentId: event.target.value === '' ? null : event.target.value })}
        >
          <option value="" disabled={!topLevel(model, resource.type)}>
            top level
          </option>
          {parents.map((parent) => (
            <option key={parent.id} value={parent.id}>
              under {parent.type} {parent.name}
            </option>
          ))}
        </select>{' '}
        {resource.externalId != null && <span className="help">external id {resource.externalId}</span>}
        <ItemActions
          noun="resource"
          name={resource.name}
          onRename={async (name) => {
            await api.resources.update(resource.id, { name });
            onChanged();
          }}
          onDelete={async () => {
            await api.resources.delete(resource.id);
            onChanged();
          }}
          deleteText={
            <p>
              {resource.type} <code>{resource.id}</code> is deleted with the roles granted on it. Keyward refuses while
              it has children or bound webhook keys.
            </p>
          }
        >
          <button
            type="button"
            className="secondary small"
            onClick={() => setEditingExternalId(true)}
            aria-label={`External id of ${resource.name}`}
          >
            External id
          </button>
        </ItemActions>
        {editingExternalId && (
          <FieldDialog
            title={`External id of ${resource.name}`}
            label="External id"
            initial={resource.externalId ?? ''}
            required={false}
            maxLength={200}
            help="The resource's id in your own system, to find it by. Empty clears it."
            onSave={async (externalId) => {
              await api.resources.update(resource.id, { externalId });
              onChanged();
            }}
            onClose={() => setEditingExternalId(false)}
          />
        )}
      </div>
      <ErrorText error={error} />
      {children.length > 0 && (
        <ul>
          {children.map((child) => (
            <Node key={child.id} resource={child} all={all} onChanged={onChanged} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function ResourcesPage() {
  const { api, model } = useConsole();
  const [filter, setFilter] = useUrlFilter('resources', resourceFilterOf, resourceFilterParams);
  const [typed, setTyped] = useTyped(filter.q, (q) =>
    setFilter((current) => (current.q === q ? current : { ...current, q })),
  );
  const resources = usePagedList(
    useCallback((cursor: string | null) => api.resources.list(resourcesQuery(filter, cursor)), [api, filter]),
  );
  const change = (patch: Partial<ResourceFilter>) => setFilter((current) => ({ ...current, ...patch }));
  const all = resources.items;
  const known = new Set(all.map((resource) => resource.id));
  // A resource whose parent this key cannot see (or that is not on the pages loaded) stands at the top.
  const roots = all.filter((resource) => resource.parentId === null || !known.has(resource.parentId));
  const searching = resourceFilterParams(filter).size > 0;
  return (
    <section aria-labelledby="resources-title">
      <h2 id="resources-title">Resources</h2>
      <p className="help">What this key may discover, by parent.</p>
      <form className="filters" aria-label="Find resources" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="resources-search">Search</label>
        <input
          id="resources-search"
          type="search"
          value={typed}
          placeholder="name, res_…, external id"
          aria-describedby="resources-search-help"
          onChange={(event) => setTyped(event.target.value)}
        />
        <label htmlFor="resources-type">Of type</label>
        <select id="resources-type" value={filter.type} onChange={(event) => change({ type: event.target.value })}>
          <option value="">any</option>
          {model.types.map((type) => (
            <option key={type.name} value={type.name}>
              {type.name}
            </option>
          ))}
        </select>
      </form>
      <p id="resources-search-help" className="help">
        Finds a resource by the start of its name, its id, or its external id.
      </p>
      <ErrorText error={resources.error} />
      <ul className="tree" aria-label="Resources by parent">
        {roots.map((resource) => (
          <Node key={resource.id} resource={resource} all={all} onChanged={resources.reload} />
        ))}
      </ul>
      <ListFooter
        list={resources}
        empty={
          searching
            ? 'No resource matches.'
            : 'No resources this key can see yet: create the first with "New resource", a top-level one first, then what sits under it.'
        }
      />
      <NewPanel label="New resource">
        {(close) => (
          <CreateResource
            all={all}
            onCreated={() => {
              close();
              resources.reload();
            }}
          />
        )}
      </NewPanel>
    </section>
  );
}
