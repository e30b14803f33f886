/**
 * Environments (tenant.manage): create them (behind "New environment"), rename or delete them,
 * and edit each one's settings. An empty setting inherits the tenant's, whose value is shown
 * beside it as "inherited". A delete is refused while the environment holds live keys, resources
 * or policies: the refusal says which, in the confirmation.
 */
import { useCallback, useState, type FormEvent } from 'react';
import { listAll, type EnvironmentObject, type TenantObject } from './api';
import { useConsole } from './console-context';
import { ItemActions, NewPanel } from './item-actions';
import { ErrorText, StatusText } from './problem-text';
import { inForceText, numberSetting } from './settings';
import { useAction } from './use-action';
import { useLoad } from './use-load';

const DAY_SETTINGS = [
  { name: 'rotationWindowDays', label: 'Rotation window (days)', min: 0 },
  { name: 'defaultKeyExpiryDays', label: 'Default key expiry (days)', min: 1 },
  { name: 'maxKeyExpiryDays', label: 'Maximum key expiry (days)', min: 1 },
] as const;

function numberOrNull(text: FormDataEntryValue | null): number | null {
  const value = String(text ?? '').trim();
  return value === '' ? null : Number(value);
}

function EnvironmentSettings({
  environment,
  tenant,
  onSaved,
  onDeleted,
}: {
  environment: EnvironmentObject;
  tenant: TenantObject | null;
  onSaved: (environment: EnvironmentObject) => void;
  onDeleted: () => void;
}) {
  const { api } = useConsole();
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const prefix = `env-${environment.id}`;
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const mfa = String(data.get('mfaRequired') ?? '');
    setSaved(false);
    void run(async () => {
      onSaved(
        await api.environments.update(environment.id, {
          keyPrefix: String(data.get('keyPrefix') ?? '').trim(),
          mfaRequired: mfa === '' ? null : mfa === 'true',
          rotationWindowDays: numberOrNull(data.get('rotationWindowDays')),
          defaultKeyExpiryDays: numberOrNull(data.get('defaultKeyExpiryDays')),
          maxKeyExpiryDays: numberOrNull(data.get('maxKeyExpiryDays')),
        }),
      );
      setSaved(true);
    });
  };
  return (
    // Rename and delete sit outside the settings form: their dialogs have forms of their own.
    <article className="panel" aria-labelledby={`${prefix}-title`}>
      <h3 id={`${prefix}-title`}>
        {environment.name} <code className="id">{environment.id}</code>{' '}
        <ItemActions
          noun="environment"
          name={environment.name}
          onRename={async (name) => onSaved(await api.environments.update(environment.id, { name }))}
          onDelete={async () => {
            await api.environments.delete(environment.id);
            onDeleted();
          }}
          deleteText={
            <p>
              Environment <code>{environment.id}</code> is deleted for good. Keyward refuses while it still holds live
              keys, resources, policies or webhook keys: revoke or delete those first.
            </p>
          }
        />
      </h3>
      <form onSubmit={save} className="grid" aria-labelledby={`${prefix}-title`}>
        <label htmlFor={`${prefix}-prefix`}>Key prefix</label>
        <input
          id={`${prefix}-prefix`}
          name="keyPrefix"
          defaultValue={environment.keyPrefix}
          pattern="[a-z0-9]{1,12}"
          required
        />
        <label htmlFor={`${prefix}-mfa`}>MFA required</label>
        <select
          id={`${prefix}-mfa`}
          name="mfaRequired"
          defaultValue={environment.mfaRequired === null ? '' : String(environment.mfaRequired)}
        >
          <option value="">
            inherited from the tenant ({tenant === null ? 'unknown' : tenant.mfaRequired ? 'yes' : 'no'})
          </option>
          <option value="true">yes</option>
          <option value="false">no (cannot relax the tenant's yes)</option>
        </select>
        {DAY_SETTINGS.map((setting) => {
          const fromTenant = numberSetting(tenant, setting.name);
          const own = numberSetting(environment, setting.name);
          return (
            <div key={setting.name} className="grid-row">
              <label htmlFor={`${prefix}-${setting.name}`}>{setting.label}</label>
              <input
                id={`${prefix}-${setting.name}`}
                name={setting.name}
                type="number"
                min={setting.min}
                max={36500}
                defaultValue={own ?? ''}
                placeholder={`inherited: ${fromTenant ?? 'not set'}`}
                aria-describedby={`${prefix}-${setting.name}-help`}
              />
              <span id={`${prefix}-${setting.name}-help`} className="help span">
                {inForceText(environment, setting.name) ??
                  (own === null
                    ? `Inherited from the tenant: ${fromTenant ?? 'not set'}.`
                    : `Overrides the tenant's ${fromTenant ?? 'unset value'}.`)}
              </span>
            </div>
          );
        })}
        <div className="span">
          <ErrorText error={error} />
          {saved && <StatusText tone="ok">✓ Saved.</StatusText>}
          <button type="submit" disabled={busy}>
            Save {environment.name}
          </button>
        </div>
      </form>
    </article>
  );
}

export function EnvironmentsPage() {
  const { api, tenantId } = useConsole();
  const environments = useLoad(useCallback(() => listAll(api.environments.list), [api]));
  const tenant = useLoad(useCallback(() => api.tenants.get(tenantId), [api, tenantId]));
  const { busy, error, run } = useAction();
  const create = (event: FormEvent<HTMLFormElement>, close: () => void) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const keyPrefix = String(data.get('keyPrefix') ?? '').trim();
    void run(async () => {
      await api.environments.create({
        name: String(data.get('name') ?? '').trim(),
        ...(keyPrefix === '' ? {} : { keyPrefix }),
      });
      form.reset();
      close();
      environments.reload();
    });
  };
  const replace = (environment: EnvironmentObject) =>
    environments.set(
      (environments.data ?? []).map((candidate) => (candidate.id === environment.id ? environment : candidate)),
    );
  return (
    <section aria-labelledby="environments-title">
      <h2 id="environments-title">Environments</h2>
      <p className="help">Each environment has its own keys, resources and policies, and its own key prefix.</p>
      <NewPanel label="New environment">
        {(close) => (
          <form onSubmit={(event) => create(event, close)} className="filters" aria-label="Create an environment">
            <label htmlFor="environment-name">Environment name</label>
            <input id="environment-name" name="name" required maxLength={200} />
            <label htmlFor="environment-prefix">Key prefix</label>
            <input id="environment-prefix" name="keyPrefix" pattern="[a-z0-9]{1,12}" placeholder="kw" />
            <button type="submit" disabled={busy}>
              Create environment
            </button>
          </form>
        )}
      </NewPanel>
      <ErrorText error={error ?? environments.error ?? tenant.error} />
      {environments.loading && <p role="status">Loading…</p>}
      {environments.data?.length === 0 && (
        <p className="empty">No environments yet: create one with "New environment", then make its first key.</p>
      )}
      {(environments.data ?? []).map((environment) => (
        <EnvironmentSettings
          // Keyed by id alone: a save's answer must not remount the form, which would lose its "Saved.".
          key={environment.id}
          environment={environment}
          tenant={tenant.data}
          onSaved={replace}
          onDeleted={environments.reload}
        />
      ))}
    </section>
  );
}
