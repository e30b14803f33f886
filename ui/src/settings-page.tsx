/**
 * Settings (tenant.manage): the tenant's own settings, which its environments inherit unless
 * they set their own, and its tier. Settings this server does not know (added by a later
 * version) are left out rather than sent and refused.
 */
import { announceTenantRenamed } from './tenant-heading';
import { ItemActions } from './item-actions';
import { useCallback, useState, type FormEvent } from 'react';
import type { PatchTenantInput, TenantObject } from './api';
import { useConsole } from './console-context';
import { ErrorText, StatusText } from './problem-text';
import { inForceText, numberSetting } from './settings';
import { TierSection } from './tier-section';
import { useAction } from './use-action';
import { useLoad } from './use-load';

const DAY_SETTINGS = [
  {
    name: 'rotationWindowDays',
    label: 'Rotation window (days)',
    help: 'How long an expired key may still rotate itself.',
    min: 0,
  },
  {
    name: 'defaultKeyExpiryDays',
    label: 'Default key expiry (days)',
    help: 'New keys expire after this unless they say otherwise. Empty: never.',
    min: 1,
  },
  { name: 'maxKeyExpiryDays', label: 'Maximum user key expiry (days)', help: 'Empty: no maximum.', min: 1 },
  {
    name: 'maxApplicationKeyExpiryDays',
    label: 'Maximum application key expiry (days)',
    help: 'Empty: application keys may never expire.',
    min: 1,
  },
  {
    name: 'mfaReverifyDays',
    label: 'MFA re-verification (days)',
    help: 'A user key whose user has not passed a code for this long must pass one again.',
    min: 1,
  },
  {
    name: 'auditRetentionDays',
    label: 'Audit retention (days)',
    help: 'Events older than this are pruned (at least 30). Empty: kept forever.',
    min: 30,
  },
] as const;

function SettingsForm({ tenant, onSaved }: { tenant: TenantObject; onSaved: (tenant: TenantObject) => void }) {
  const { api } = useConsole();
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const known = DAY_SETTINGS.filter((setting) => Reflect.has(tenant, setting.name));
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const change: Record<string, unknown> = { mfaRequired: data.get('mfaRequired') === 'on' };
    for (const setting of known) {
      const text = String(data.get(setting.name) ?? '').trim();
      change[setting.name] = text === '' ? null : Number(text);
    }
    setSaved(false);
    void run(async () => {
      // The fields sent are the tenant's own (known above), so the body matches its PATCH schema.
      onSaved(await api.tenants.update(tenant.id, change as PatchTenantInput));
      setSaved(true);
    });
  };
  return (
    <form onSubmit={save} className="grid panel" aria-labelledby="settings-form-title">
      <h3 id="settings-form-title">
        {tenant.name} <span className="tag">{tenant.tier}</span>
      </h3>
      <label htmlFor="setting-mfa">MFA required</label>
      <input id="setting-mfa" name="mfaRequired" type="checkbox" defaultChecked={tenant.mfaRequired} />
      {known.map((setting) => (
        <div key={setting.name} className="grid-row">
          <label htmlFor={`setting-${setting.name}`}>{setting.label}</label>
          <input
            id={`setting-${setting.name}`}
            name={setting.name}
            type="number"
            min={setting.min}
            max={36500}
            defaultValue={numberSetting(tenant, setting.name) ?? ''}
            aria-describedby={`setting-${setting.name}-help`}
          />
          <span id={`setting-${setting.name}-help`} className="help span">
            {setting.help} {inForceText(tenant, setting.name)}
          </span>
        </div>
      ))}
      <div className="span">
        <ErrorText error={error} />
        {saved && <StatusText tone="ok">✓ Saved.</StatusText>}
        <button type="submit" disabled={busy}>
          Save settings
        </button>
      </div>
    </form>
  );
}

export function SettingsPage() {
  const { api, tenantId } = useConsole();
  const tenant = useLoad(useCallback(() => api.tenants.get(tenantId), [api, tenantId]));
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Tenant settings</h2>
      <p className="help">Environments inherit these unless they set their own.</p>
      {tenant.data === null ? (
        tenant.loading ? (
          <p role="status">Loading…</p>
        ) : (
          <ErrorText error={tenant.error} />
        )
      ) : (
        <>
          <p>
            Name: <strong title={tenant.data.id}>{tenant.data.name}</strong>{' '}
            <ItemActions
              noun="tenant"
              name={tenant.data.name}
              onRename={async (name) => {
                tenant.set(await api.tenants.update(tenantId, { name }));
                announceTenantRenamed();
              }}
            />
          </p>
          <SettingsForm key={tenant.data.id} tenant={tenant.data} onSaved={tenant.set} />
          <TierSection tenant={tenant.data} onSaved={tenant.set} />
        </>
      )}
    </section>
  );
}
