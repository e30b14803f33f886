/** Edit a key's grants in place (PATCH scopes, permissions and levels), with the same scope editor as the wizard. */
import { useCallback, useState } from 'react';
import type { KeyObject } from './api';
import { useConsole } from './console-context';
import { Dialog } from './dialog';
import { blockers, type GrantSet } from '../../src/api/grants.js';
import { FormProblems } from './problem-text';
import { ScopeEditor } from './scope-editor';
import type { ResourceSearch } from './scope-picker';
import { useAction } from './use-action';

/** Finds resources by type and name through the API, for the scope picker. */
export function useResourceSearch(): ResourceSearch {
  const { api } = useConsole();
  return useCallback(
    async (type, text) => {
      const page = await api.resources.list({ type, limit: 100 });
      return page.items.filter((resource) => resource.name.toLowerCase().includes(text.toLowerCase())).slice(0, 20);
    },
    [api],
  );
}

export function GrantsDialog({
  target,
  onClose,
  onSaved,
}: {
  target: KeyObject;
  onClose: () => void;
  onSaved: (key: KeyObject) => void;
}) {
  const { api, model, grantor } = useConsole();
  const [grants, setGrants] = useState<GrantSet>({
    permissions: target.permissions,
    scopes: target.scopes,
    levels: target.levels,
  });
  const { busy, error, run } = useAction();
  const searchResources = useResourceSearch();
  const problems = blockers(grantor, grants, target.admin);
  const save = () =>
    run(async () =>
      onSaved(
        await api.keys.update(target.id, {
          permissions: [...grants.permissions],
          scopes: [...grants.scopes],
          levels: { ...grants.levels },
        }),
      ),
    );
  return (
    <Dialog title={`Grants of ${target.name}`} onClose={onClose}>
      <ScopeEditor
        model={model}
        grantor={grantor}
        value={grants}
        onChange={setGrants}
        forAdminKey={target.admin}
        searchResources={searchResources}
      />
      <FormProblems problems={problems} label="Before saving" error={error} />
      <div className="actions">
        <button type="button" disabled={busy || problems.length > 0} onClick={() => void save()}>
          Save grants
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
