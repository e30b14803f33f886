/**
 * A policy's keys (seed 001: "go to the list of scopes and select Manage Keys under Options.
 * Click on New API Key, provide a name for the key, and click Create"): the keys linked to it,
 * and a new application key linked to it in one step, its secret shown once as the wizard does.
 * A tenant-wide policy's key is made in an environment picked here; an environment's policy
 * makes its keys in that environment.
 */
import { useCallback, useId, useState, type FormEvent } from 'react';
import { holds, listAll, type CreatedKeyObject, type PolicyObject } from './api';
import { useConsole } from './console-context';
import { ErrorText } from './problem-text';
import { SecretDialog } from './secret-dialog';
import { useAction } from './use-action';
import { useLoad } from './use-load';
import { href } from './use-route';

function NewPolicyKey({ policy, onCreated }: { policy: PolicyObject; onCreated: () => void }) {
  const { api, me } = useConsole();
  const formId = useId();
  const tenantWide = policy.environmentId === null;
  // Only a tenant-wide policy asks where; listing environments needs tenant.manage.
  const environments = useLoad(
    useCallback(
      () => (tenantWide && holds(me, 'tenant.manage') ? listAll(api.environments.list) : Promise.resolve([])),
      [api, me, tenantWide],
    ),
  );
  const [environmentId, setEnvironmentId] = useState(policy.environmentId ?? me.key.environmentId ?? '');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedKeyObject | null>(null);
  const { busy, error, run } = useAction();
  const choices = environments.data ?? [];
  // Root has no environment of its own: the first listed one, until another is picked.
  const where = environmentId === '' ? (choices[0]?.id ?? '') : environmentId;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(async () => {
      setCreated(
        await api.keys.create({
          name: name.trim(),
          kind: 'application',
          environmentId: where,
          policyIds: [policy.id],
        }),
      );
    });
  };
  const close = () => {
    setCreated(null);
    setName('');
    onCreated();
  };
  return (
    <>
      <form onSubmit={submit} aria-label={`New API key for ${policy.name}`} className="policy-key-form">
        <div className="grid">
          <label htmlFor={`${formId}-name`}>Key name</label>
          <input
            id={`${formId}-name`}
            value={name}
            required
            maxLength={200}
            onChange={(event) => setName(event.target.value)}
          />
          {tenantWide && choices.length > 0 && (
            <>
              <label htmlFor={`${formId}-environment`}>Environment</label>
              <select
                id={`${formId}-environment`}
                value={where}
                onChange={(event) => setEnvironmentId(event.target.value)}
              >
                {choices.map((environment) => (
                  <option key={environment.id} value={environment.id}>
                    {environment.name}
                  </option>
                ))}
              </select>
            </>
          )}
        </div>
        {/* Outside the grid: a long line spanning it would widen its label column. */}
        <p className="help">
          An application key linked to {policy.name}: it holds what the policy grants, and follows every change to it.
          The environment's default expiry applies.
        </p>
        <div>
          <ErrorText error={error} />
          <button type="submit" disabled={busy || name.trim() === '' || where === ''}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
      {created !== null && (
        <SecretDialog
          title={`Key created for ${policy.name}`}
          keyId={created.id}
          secret={created.key}
          warnings={created.warnings ?? []}
          onClose={close}
        />
      )}
    </>
  );
}

export function PolicyKeys({ policy }: { policy: PolicyObject }) {
  const { api } = useConsole();
  const titleId = useId();
  const [adding, setAdding] = useState(false);
  const policyId = policy.id;
  const keys = useLoad(useCallback(() => listAll((page) => api.keys.list({ policyId, ...page })), [api, policyId]));
  return (
    <section aria-labelledby={titleId}>
      <h4 id={titleId}>Keys</h4>
      {keys.data === null ? (
        keys.loading ? (
          <p role="status">Loading keys…</p>
        ) : (
          <ErrorText error={keys.error} />
        )
      ) : keys.data.length === 0 ? (
        <p className="help">No key is linked to it.</p>
      ) : (
        <ul className="badges" aria-label={`Keys linked to ${policy.name}`}>
          {keys.data.map((key) => (
            <li key={key.id}>
              <a href={href('keys', key.id)}>{key.name}</a>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="secondary" aria-expanded={adding} onClick={() => setAdding(!adding)}>
        New API key
      </button>
      {adding && (
        <NewPolicyKey
          policy={policy}
          onCreated={() => {
            setAdding(false);
            keys.reload();
          }}
        />
      )}
    </section>
  );
}
