/**
 * Policies (seed 001's API Scopes): named grant sets, in one environment or tenant-wide, made
 * and edited with the same scope editor as keys; each lists the keys linked to it and makes a new
 * one linked to it (policy-keys.tsx). Editing one changes every linked key's access at once.
 * Each is renamed or deleted from its row; a new one is made behind "New policy".
 */
import { useCallback, useState, type FormEvent } from 'react';
import { holds, listAll, type PolicyObject } from './api';
import { Badges } from './badges';
import { useConsole } from './console-context';
import { blockers, NO_GRANTS, type GrantSet } from '../../src/api/grants.js';
import { useResourceSearch } from './grants-dialog';
import { PolicyKeys } from './policy-keys';
import { PolicyLimits } from './policy-limits';
import { ItemActions, NewPanel } from './item-actions';
import { ErrorText, FormProblems } from './problem-text';
import { RateLimitRows } from './rate-limit-rows';
import { type LimitRow, limitProblems, limitsOf } from './rate-limits';
import { ScopeEditor } from './scope-editor';
import { useAction } from './use-action';
import { useLoad } from './use-load';

function PolicyDetails({
  policy,
  onSaved,
  onDeleted,
}: {
  policy: PolicyObject;
  onSaved: (policy: PolicyObject) => void;
  onDeleted: () => void;
}) {
  const { api, model, grantor } = useConsole();
  const [editing, setEditing] = useState<GrantSet | null>(null);
  const { busy, error, run } = useAction();
  const searchResources = useResourceSearch();
  const save = (grants: GrantSet) =>
    run(async () => {
      onSaved(
        await api.policies.update(policy.id, {
          permissions: [...grants.permissions],
          scopes: [...grants.scopes],
          levels: { ...grants.levels },
        }),
      );
      setEditing(null);
    });
  return (
    <div className="panel">
      {/* Here, not on the row: the row's one button is the policy's name, which opens it. */}
      <ItemActions
        noun="policy"
        name={policy.name}
        onRename={async (name) => onSaved(await api.policies.update(policy.id, { name }))}
        onDelete={async () => {
          await api.policies.delete(policy.id, { force: true });
          onDeleted();
        }}
        deleteText={
          <p>
            Policy <code>{policy.id}</code> is deleted and unlinked from its keys: each loses the grants and shared
            limits it gave, at once.
          </p>
        }
      />
      <h4>Grants</h4>
      {editing === null ? (
        <>
          <Badges
            items={[
              ...policy.scopes,
              ...policy.permissions,
              ...Object.entries(policy.levels).map(([type, level]) => `${type}: ${level}`),
            ]}
            empty="No grants."
          />
          <button
            type="button"
            className="secondary"
            onClick={() =>
              setEditing({ permissions: policy.permissions, scopes: policy.scopes, levels: policy.levels })
            }
          >
            Edit grants
          </button>
        </>
      ) : (
        <>
          <ScopeEditor
            model={model}
            grantor={grantor}
            value={editing}
            onChange={setEditing}
            forAdminKey={true}
            searchResources={searchResources}
          />
          <ErrorText error={error} />
          <div className="actions">
            <button
              type="button"
              disabled={busy || blockers(grantor, editing, true).length > 0}
              onClick={() => void save(editing)}
            >
              Save policy
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </>
      )}
      <PolicyLimits policy={policy} onSaved={onSaved} />
      <PolicyKeys policy={policy} />
    </div>
  );
}

function CreatePolicy({ onCreated }: { onCreated: () => void }) {
  const { api, me, model, grantor } = useConsole();
  const environments = useLoad(
    useCallback(() => (holds(me, 'tenant.manage') ? listAll(api.environments.list) : Promise.resolve([])), [api, me]),
  );
  const [grants, setGrants] = useState<GrantSet>(NO_GRANTS);
  const [limits, setLimits] = useState<readonly LimitRow[]>([]);
  // Controlled: the options arrive after the first render, and an uncontrolled select would
  // fall back to its first option (tenant-wide) when they do.
  const [environmentId, setEnvironmentId] = useState(me.key.environmentId ?? '');
  const { busy, error, run } = useAction();
  const searchResources = useResourceSearch();
  const mayTenantWide = holds(me, 'tenant.manage');
  const problems = [...blockers(grantor, grants, true), ...limitProblems(limits)];
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    void run(async () => {
      await api.policies.create({
        name: String(data.get('name') ?? '').trim(),
        environmentId: environmentId === '' ? null : environmentId,
        permissions: [...grants.permissions],
        scopes: [...grants.scopes],
        levels: { ...grants.levels },
        ratelimits: limitsOf(limits),
      });
      form.reset();
      setGrants(NO_GRANTS);
      setLimits([]);
      onCreated();
    });
  };
  const ownEnvironment = me.key.environmentId;
  return (
    <form onSubmit={submit} aria-labelledby="create-policy-title">
      <h3 id="create-policy-title">Create a policy</h3>
      <div className="grid">
        <label htmlFor="policy-name">Policy name</label>
        <input id="policy-name" name="name" required maxLength={200} />
        <label htmlFor="policy-environment">Applies in</label>
        <select
          id="policy-environment"
          value={environmentId}
          onChange={(event) => setEnvironmentId(event.target.value)}
        >
          <option value="" disabled={!mayTenantWide}>
            every environment (tenant-wide{mayTenantWide ? '' : ': needs tenant.manage'})
          </option>
          {(environments.data ?? []).map((environment) => (
            <option key={environment.id} value={environment.id}>
              {environment.name}
            </option>
          ))}
          {ownEnvironment !== null &&
            !(environments.data ?? []).some((environment) => environment.id === ownEnvironment) && (
              <option value={ownEnvironment}>this key's environment</option>
            )}
        </select>
      </div>
      <ScopeEditor
        model={model}
        grantor={grantor}
        value={grants}
        onChange={setGrants}
        forAdminKey={true}
        searchResources={searchResources}
      />
      <RateLimitRows
        rows={limits}
        onChange={setLimits}
        empty="None: linked keys keep only their own limits. A policy's limit is one budget its keys share."
      />
      <FormProblems problems={problems} label="Before creating" error={error} />
      <button type="submit" disabled={busy || problems.length > 0}>
        Create policy
      </button>
    </form>
  );
}

export function PoliciesPage() {
  const { api, me } = useConsole();
  const policies = useLoad(useCallback(() => listAll(api.policies.list), [api]));
  const environments = useLoad(
    useCallback(() => (holds(me, 'tenant.manage') ? listAll(api.environments.list) : Promise.resolve([])), [api, me]),
  );
  const placeOf = (policy: PolicyObject) =>
    policy.environmentId === null
      ? 'tenant-wide'
      : `in ${environments.data?.find((environment) => environment.id === policy.environmentId)?.name ?? policy.environmentId}`;
  const [open, setOpen] = useState<string | null>(null);
  const replace = (policy: PolicyObject) =>
    policies.set((policies.data ?? []).map((candidate) => (candidate.id === policy.id ? policy : candidate)));
  return (
    <section aria-labelledby="policies-title">
      <h2 id="policies-title">Policies</h2>
      <p className="help">
        Reusable sets of grants (API scopes). Link them to keys; editing one changes every linked key at once.
      </p>
      <ErrorText error={policies.error} />
      {policies.loading && <p role="status">Loading…</p>}
      <NewPanel label="New policy">
        {(close) => (
          <CreatePolicy
            onCreated={() => {
              close();
              policies.reload();
            }}
          />
        )}
      </NewPanel>
      {policies.data?.length === 0 && (
        <p className="empty">
          No policies yet: make one with "New policy" (a name and its grants), then link keys to it from a key's page or
          here.
        </p>
      )}
      <ul className="item-list">
        {(policies.data ?? []).map((policy) => (
          <li key={policy.id}>
            <button
              type="button"
              className="disclosure"
              aria-expanded={open === policy.id}
              onClick={() => setOpen(open === policy.id ? null : policy.id)}
            >
              {policy.name}
            </button>{' '}
            <span className="help">{placeOf(policy)}</span>
            {open === policy.id && <PolicyDetails policy={policy} onSaved={replace} onDeleted={policies.reload} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
