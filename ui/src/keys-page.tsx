/**
 * Keys (users.manage): the tenant's keys, paged; create, rotate and revoke. A new or rotated
 * secret is shown once, in a dialog, and dropped from memory when it closes.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Api, CreatedKeyObject, KeyObject, MeObject } from './api';
import { when } from './format';
import { CreateKeyForm, RevokeDialog, RotateDialog } from './key-forms';
import { ErrorText } from './problem-text';
import { SecretDialog } from './secret-dialog';

export interface KeysPageProps {
  readonly api: Api;
  readonly me: MeObject;
  readonly onOwnKeyRotated: (secret: string) => void;
  readonly onOwnKeyRevoked: () => void;
}

type Open = { readonly action: 'revoke' | 'rotate'; readonly target: KeyObject } | { readonly action: 'secret'; readonly title: string; readonly created: CreatedKeyObject } | null;

export function KeysPage({ api, me, onOwnKeyRotated, onOwnKeyRevoked }: KeysPageProps) {
  const [items, setItems] = useState<KeyObject[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<Open>(null);

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.listKeys(from);
        setItems((current) => (from === null ? page.items : [...current, ...page.items]));
        setCursor(page.nextCursor);
      } catch (failure) {
        setError(failure);
      } finally {
        setLoading(false);
      }
    },
    [api],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  const replace = (key: KeyObject) => setItems((current) => current.map((item) => (item.id === key.id ? key : item)));
  const { id: ownId } = me.key;

  const created = (key: CreatedKeyObject) => {
    setOpen({ action: 'secret', title: 'Key created', created: key });
    void load(null);
  };
  const rotated = (key: CreatedKeyObject) => {
    if (key.id === ownId) onOwnKeyRotated(key.key);
    replace(key);
    setOpen({ action: 'secret', title: 'Key rotated', created: key });
  };
  const revoked = (key: KeyObject) => {
    setOpen(null);
    if (key.id === ownId) return onOwnKeyRevoked();
    replace(key);
  };

  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">Keys</h2>
      <CreateKeyForm api={api} onCreated={created} />
      <h3>All keys</h3>
      <ErrorText error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Id</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Ends with</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((key) => (
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
        </tbody>
      </table>
      {loading && <p role="status">Loading…</p>}
      {!loading && items.length === 0 && error === null && <p>No keys yet.</p>}
      {cursor !== null && (
        <button type="button" className="secondary" onClick={() => void load(cursor)} disabled={loading}>
          More
        </button>
      )}
      {open?.action === 'revoke' && <RevokeDialog api={api} target={open.target} onClose={() => setOpen(null)} onRevoked={revoked} />}
      {open?.action === 'rotate' && <RotateDialog api={api} target={open.target} onClose={() => setOpen(null)} onRotated={rotated} />}
      {open?.action === 'secret' && (
        <SecretDialog title={open.title} keyId={open.created.id} secret={open.created.key} warnings={open.created.warnings ?? []} onClose={() => setOpen(null)} />
      )}
    </section>
  );
}
