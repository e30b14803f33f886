/**
 * One key: its status, grants, linked policies and groups, usage controls, usage per day, last
 * use, and what may be done to it: rotate (grace period, TOTP code where MFA is required),
 * disable or enable, edit grants or usage controls, rename, edit its metadata, link policies,
 * revoke (after a confirmation). A new secret is shown once, in a dialog; while a rotation's grace
 * runs, the page says both secrets work, and until when.
 */
import { ConfirmDialog } from './confirm-dialog';
import { lazy, Suspense, useCallback, useState } from 'react';
import { holds, listAll, type CreatedKeyObject, type KeyObject } from './api';
import { Badges } from './badges';
import { useConsole } from './console-context';
import { when } from './format';
import { GrantsDialog } from './grants-dialog';
import { FieldDialog } from './item-actions';
import { LinkPoliciesDialog, MetadataDialog } from './key-edit-dialogs';
import { RevokeDialog, RotateDialog } from './key-forms';
import { statusOf, StatusBadge } from './key-status';
import { ErrorText } from './problem-text';
import { SecretDialog } from './secret-dialog';
import { inherited } from './settings';
import { useAction } from './use-action';
import { UsageControlsSection } from './usage-controls-section';
import { useLoad } from './use-load';
import { href } from './use-route';

// The chart library is most of the console's weight: it loads with the first key page.
const UsageChart = lazy(async () => ({ default: (await import('./usage-chart')).UsageChart }));

type Open =
  | 'rotate'
  | 'revoke'
  | 'disable'
  | 'grants'
  | 'rename'
  | 'metadata'
  | 'policies'
  | { readonly secret: CreatedKeyObject }
  | null;

export function KeyPage({ id }: { id: string }) {
  const { api, me, onOwnKeyRotated, onOwnKeyRevoked, tenantId } = useConsole();
  const manager = holds(me, 'tenant.manage');
  const key = useLoad(useCallback(() => api.keys.get(id), [api, id]));
  const usage = useLoad(useCallback(() => api.keys.usage(id), [api, id]));
  const related = useLoad(
    useCallback(async () => {
      const [policies, groups, environments, tenant, owner] = await Promise.all([
        listAll(api.policies.list),
        listAll(api.groups.list),
        manager ? listAll(api.environments.list) : Promise.resolve([]),
        manager ? api.tenants.get(tenantId) : Promise.resolve(null),
        // The owner's name, not only its id; a key that cannot read users shows the id.
        key.data?.userId == null ? Promise.resolve(null) : api.users.get(key.data.userId).catch(() => null),
      ]);
      return { policies, groups, environments, tenant, owner };
    }, [api, manager, tenantId, key.data?.userId]),
  );
  const [open, setOpen] = useState<Open>(null);
  const toggle = useAction();

  if (key.data === null) return key.loading ? <p role="status">Loading…</p> : <ErrorText error={key.error} />;
  const shown: KeyObject = key.data;
  const environment = related.data?.environments.find((candidate) => candidate.id === shown.environmentId);
  const rotationWindow = inherited(environment, related.data?.tenant, 'rotationWindowDays').value ?? undefined;
  const status = statusOf(shown, Date.now(), rotationWindow);
  const live = shown.status !== 'revoked' && shown.kind !== 'root';
  const nameOf = (ids: readonly string[], of: readonly { id: string; name: string }[] | undefined) =>
    ids.map((item) => of?.find((candidate) => candidate.id === item)?.name ?? item);

  const setEnabled = (enabled: boolean) =>
    toggle.run(async () => key.set(await api.keys.update(shown.id, { enabled })));
  const rotated = (created: CreatedKeyObject) => {
    if (created.id === me.key.id) onOwnKeyRotated(created.key);
    key.set(created);
    setOpen({ secret: created });
  };
  const revoked = (updated: KeyObject) => {
    setOpen(null);
    if (updated.id === me.key.id) return onOwnKeyRevoked();
    key.set(updated);
  };

  return (
    <section aria-labelledby="key-title" className="key-page">
      <p className="crumbs">
        <a href={href('keys')}>Keys</a> /
      </p>
      <div className="title-row">
        <h2 id="key-title">{shown.name}</h2>
        <StatusBadge status={status} />
      </div>
      <dl className="facts">
        <dt>Key id</dt>
        <dd>
          <code>{shown.id}</code> <span className="help">ends with …{shown.hint}</span>
        </dd>
        <dt>Kind</dt>
        <dd>
          {shown.kind}
          {shown.admin ? ', admin' : ''}
          {shown.userId !== null && (
            <>
              , owned by <span title={shown.userId}>{related.data?.owner?.name ?? shown.userId}</span>
            </>
          )}
        </dd>
        <dt>Environment</dt>
        <dd>{environment?.name ?? shown.environmentId ?? '—'}</dd>
        <dt>Created</dt>
        <dd>{when(shown.createdAt)}</dd>
        <dt>Expires</dt>
        <dd>{when(shown.expiresAt)}</dd>
        {shown.previousSecretValidUntil !== null && (
          <>
            <dt>Previous secret</dt>
            <dd>still works until {when(shown.previousSecretValidUntil)} (rotation grace period)</dd>
          </>
        )}
        <dt>Metadata</dt>
        <dd>
          {Object.keys(shown.metadata).length === 0 ? (
            'none'
          ) : (
            <code className="break">{JSON.stringify(shown.metadata)}</code>
          )}
        </dd>
        <dt>Last used</dt>
        <dd>
          {when(usage.data?.lastUsedAt ?? shown.lastUsedAt)}
          {usage.data?.lastUsedIp ? ` from ${usage.data.lastUsedIp}` : ''}
        </dd>
      </dl>

      {shown.previousSecretValidUntil !== null && shown.status !== 'revoked' && (
        <p className="notice" role="status">
          Rotation grace: both the new and the previous secret work until {when(shown.previousSecretValidUntil)}. Move
          every caller to the new secret before then.
        </p>
      )}
      <div className="actions wrap">
        {live && (
          <>
            <button type="button" onClick={() => setOpen('rotate')}>
              Rotate
            </button>
            <button
              type="button"
              className="secondary"
              disabled={toggle.busy}
              // Disabling stops every caller of the key at once: asked first. Enabling only gives back.
              onClick={() => (shown.enabled ? setOpen('disable') : void setEnabled(true))}
            >
              {shown.enabled ? 'Disable' : 'Enable'}
            </button>
            <button type="button" className="secondary" onClick={() => setOpen('grants')}>
              Edit grants
            </button>
            <button type="button" className="secondary" onClick={() => setOpen('policies')}>
              Link policies
            </button>
            <button type="button" className="secondary" onClick={() => setOpen('rename')}>
              Rename
            </button>
            <button type="button" className="secondary" onClick={() => setOpen('metadata')}>
              Edit metadata
            </button>
            <button type="button" className="danger" onClick={() => setOpen('revoke')}>
              Revoke
            </button>
          </>
        )}
        <a className="button secondary" href={`${href('audit')}?target=${encodeURIComponent(shown.id)}`}>
          Audit events
        </a>
      </div>
      <ErrorText error={toggle.error} />

      <h3>Grants</h3>
      <dl className="facts">
        <dt>Preset</dt>
        <dd>{shown.preset ?? 'none'}</dd>
        <dt>Scopes</dt>
        <dd>
          <Badges items={shown.scopes} empty="none" />
        </dd>
        <dt>Permissions</dt>
        <dd>
          <Badges items={shown.permissions} empty="none (assistant.use is always held)" />
        </dd>
        <dt>Levels</dt>
        <dd>
          <Badges items={Object.entries(shown.levels).map(([type, level]) => `${type}: ${level}`)} empty="none" />
        </dd>
        <dt>Policies</dt>
        <dd>
          <Badges items={nameOf(shown.policyIds, related.data?.policies)} empty="none linked" />
        </dd>
        <dt>Groups</dt>
        <dd>
          <Badges items={nameOf(shown.groupIds, related.data?.groups)} empty="in no group" />
        </dd>
      </dl>

      <UsageControlsSection target={shown} live={live} policies={related.data?.policies} onChanged={key.set} />

      <h3>Usage</h3>
      {usage.data !== null ? (
        <Suspense fallback={<p role="status">Loading the chart…</p>}>
          <UsageChart usage={usage.data} />
        </Suspense>
      ) : usage.loading ? (
        <p role="status">Loading usage…</p>
      ) : (
        <ErrorText error={usage.error} />
      )}

      {open === 'rotate' && <RotateDialog api={api} target={shown} onClose={() => setOpen(null)} onRotated={rotated} />}
      {open === 'revoke' && <RevokeDialog api={api} target={shown} onClose={() => setOpen(null)} onRevoked={revoked} />}
      {open === 'disable' && (
        <ConfirmDialog
          title={`Disable ${shown.name}?`}
          confirmLabel="Disable key"
          onConfirm={async () => key.set(await api.keys.update(shown.id, { enabled: false }))}
          onClose={() => setOpen(null)}
        >
          <p>
            Verify answers <code>DISABLED</code> for key <code>{shown.id}</code> from now on, and every service using it
            is refused, until the key is enabled again. Its grants and secret do not change.
          </p>
        </ConfirmDialog>
      )}
      {open === 'grants' && (
        <GrantsDialog
          target={shown}
          onClose={() => setOpen(null)}
          onSaved={(updated) => {
            key.set(updated);
            setOpen(null);
          }}
        />
      )}
      {open === 'rename' && (
        <FieldDialog
          title={`Rename ${shown.name}`}
          label="Name"
          initial={shown.name}
          required
          maxLength={200}
          onSave={async (name) => key.set(await api.keys.update(shown.id, { name: name ?? shown.name }))}
          onClose={() => setOpen(null)}
        />
      )}
      {open === 'metadata' && <MetadataDialog target={shown} onSaved={key.set} onClose={() => setOpen(null)} />}
      {open === 'policies' && (
        <LinkPoliciesDialog
          target={shown}
          policies={related.data?.policies ?? []}
          onSaved={key.set}
          onClose={() => setOpen(null)}
        />
      )}
      {open !== null && typeof open === 'object' && (
        <SecretDialog
          title="Key rotated"
          keyId={open.secret.id}
          secret={open.secret.key}
          warnings={open.secret.warnings ?? []}
          onClose={() => setOpen(null)}
        />
      )}
    </section>
  );
}
