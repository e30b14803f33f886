/** Resources → "New resource": a resource of a type, under a parent its type allows (per the model). */
import { useState, type FormEvent } from 'react';
import type { ResourceObject } from './api';
import { useConsole } from './console-context';
import { ErrorText } from './problem-text';
import { isVisibility, parentsFor, topLevel, VISIBILITIES } from './resource-rules';
import { useAction } from './use-action';

export function CreateResource({ all, onCreated }: { all: readonly ResourceObject[]; onCreated: () => void }) {
  const { api, model } = useConsole();
  const types = model.types.filter((type) => type.name !== 'org');
  const [type, setType] = useState(types[0]?.name ?? '');
  const { busy, error, run } = useAction();
  const parents = parentsFor(model, type, all, null);
  const carriesValue = types.find((candidate) => candidate.name === type)?.value !== 'none';
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const parentId = String(data.get('parentId') ?? '');
    const visibility = String(data.get('visibility') ?? '');
    const value = String(data.get('value') ?? '');
    const externalId = String(data.get('externalId') ?? '').trim();
    void run(async () => {
      await api.resources.create({
        ...(externalId === '' ? {} : { externalId }),
        type,
        name: String(data.get('name') ?? '').trim(),
        ...(parentId === '' ? {} : { parentId }),
        ...(isVisibility(visibility) ? { visibility } : {}),
        ...(carriesValue && value !== '' ? { value } : {}),
      });
      form.reset();
      onCreated();
    });
  };
  return (
    <form onSubmit={submit} className="grid" aria-labelledby="create-resource-title">
      <h3 id="create-resource-title">Create a resource</h3>
      <label htmlFor="resource-type">Type</label>
      <select id="resource-type" value={type} onChange={(event) => setType(event.target.value)}>
        {types.map((candidate) => (
          <option key={candidate.name} value={candidate.name}>
            {candidate.name}
          </option>
        ))}
      </select>
      <label htmlFor="resource-name">Resource name</label>
      <input id="resource-name" name="name" required maxLength={200} />
      <label htmlFor="resource-parent">Parent</label>
      <select
        id="resource-parent"
        name="parentId"
        key={type}
        defaultValue={topLevel(model, type) ? '' : (parents[0]?.id ?? '')}
      >
        <option value="" disabled={!topLevel(model, type)}>
          top level{topLevel(model, type) ? '' : ` (a ${type} needs a parent)`}
        </option>
        {parents.map((parent) => (
          <option key={parent.id} value={parent.id}>
            {parent.type} {parent.name}
          </option>
        ))}
      </select>
      <label htmlFor="resource-visibility">Visibility</label>
      <select id="resource-visibility" name="visibility" defaultValue="ENVIRONMENT">
        {VISIBILITIES.map((visibility) => (
          <option key={visibility} value={visibility}>
            {visibility.toLowerCase()}
          </option>
        ))}
      </select>
      <label htmlFor="resource-external-id">External id</label>
      <input id="resource-external-id" name="externalId" maxLength={200} placeholder="optional" />
      {carriesValue && (
        <>
          <label htmlFor="resource-value">Value</label>
          <input id="resource-value" name="value" type="password" autoComplete="off" />
        </>
      )}
      <div className="span">
        <ErrorText error={error} />
        <button type="submit" disabled={busy}>
          Create resource
        </button>
      </div>
    </form>
  );
}
