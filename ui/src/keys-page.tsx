/**
 * Keys (users.manage): the tenant's keys, paged; create, rotate and revoke. A new or rotated
 * secret is shown once, in a dialog, and dropped from memory when it closes.
 */
import { useCallback, useState } from 'react';
import type { Api, CreatedKeyObject, KeyObject, MeObject } from './api';
import { when } from './format';
import { CreateKeyForm, RevokeDialog, RotateDialog } from './key-forms';
import { PagedTable } from './paged-table';
import { SecretDialog } from './secret-dialog';
import { usePagedList } from './use-paged-list';

export interface KeysPageProps {
  readonly api: Api;
  readonly me: MeObject;
  readonly onOwnKeyRotated: (secret: string) => void;
  readonly onOwnKeyRevoked: () => void;
}

type Open = { readonly action: 'revoke' | 'rotate'; readonly target: KeyObject } | { readonly action: 'secret'; readonly title: string; readonly created: CreatedKeyObject } | null;

export function KeysPage({ api, me, onOwnKeyRotated, onOwnKeyRevoked }: KeysPageProps) {
  const keys = usePagedList(useCallback((cursor: string | null) => api.listKeys(cursor), [api]));
  const [open, setOpen] = useState<Open>(null);
  const { id: ownId } = me.key;

  const created = (key: CreatedKeyObject) => {
    setOpen({ action: 'secret', title: 'Key created', created: key });
    keys.reload();
  };
  const rotated = (key: CreatedKeyObject) => {
    if (key.id === ownId) onOwnKeyRotated(key.key);
    keys.replace(key);
    setOpen({ action: 'secret', title: 'Key rotated', created: key });
  };
  const revoked = (key: KeyObject) => {
    setOpen(null);
    if (key.id === ownId) return onOwnKeyRevoked();
    keys.replace(key);
  };

  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">Keys</h2>
      <CreateKeyForm api={api} onCreated={created} />
      <h3>All keys</h3>
      <PagedTable list={keys} columns={['Name', 'Id', 'Kind', 'Status', 'Ends with', 'Expires', <span key="actions" className="visually-hidden">Actions</span>]} empty="No keys yet.">
        {keys.items.map((key) => (
          <tr key={key.id}>
            <th scope="row">
              {key.name}
              {key.id === ownId ? ' (this session)' : ''}
            </th>
            <td>
              <code>{key.id}</code>
            </td>
            <td>
              {key.kind}
              {key.admin ? ', admin' : ''}
            </td>
            <td>{key.status}</td>
            <td>
              <code>…{key.hint}</code>
            </td>
            <td>{when(key.expiresAt)}</td>
            <td className="row-actions">
              {key.status !== 'revoked' && key.kind !== 'root' && (
                <>
                  <button type="button" className="secondary" aria-label={`Rotate ${key.name} (${key.id})`} onClick={() => setOpen({ action: 'rotate', target: key })}>
                    Rotate
                  </button>
                  <button type="button" className="danger" aria-label={`Revoke ${key.name} (${key.id})`} onClick={() => setOpen({ action: 'revoke', target: key })}>
                    Revoke
                  </button>
                </>
              )}
            </td>
          </tr>
        ))}
      </PagedTable>
      {open?.action === 'revoke' && <RevokeDialog api={api} target={open.target} onClose={() => setOpen(null)} onRevoked={revoked} />}
      {open?.action === 'rotate' && <RotateDialog api={api} target={open.target} onClose={() => setOpen(null)} onRotated={rotated} />}
      {open?.action === 'secret' && (
        <SecretDialog title={open.title} keyId={open.created.id} secret={open.created.key} warnings={open.created.warnings ?? []} onClose={() => setOpen(null)} />
      )}
    </section>
  );
}
