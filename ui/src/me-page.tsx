/** Me: the signed-in key (`GET /v1/me`) and what its grants add up to. */
import { useEffect } from 'react';
import type { Api, MeObject } from './api';
import { when } from './format';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';

export interface MePageProps {
  readonly api: Api;
  readonly me: MeObject | null;
  readonly onMe: (me: MeObject) => void;
}

function Badges({ items, empty }: { items: readonly string[]; empty: string }) {
  if (items.length === 0) return <p className="help">{empty}</p>;
  return (
    <ul className="badges">
      {items.map((item) => (
        <li key={item}>
          <code>{item}</code>
        </li>
      ))}
    </ul>
  );
}

export function MePage({ api, me, onMe }: MePageProps) {
  const { busy, error, run } = useAction();
  const refresh = () => run(async () => onMe(await api.me()));
  // Loaded once when a session was restored without it (the first render's `me` is the one
  // that counts); the button reloads on demand.
  // biome-ignore lint/correctness/useExhaustiveDependencies: on mount only, as said above
  useEffect(() => {
    if (me === null) void refresh();
  }, []);

  if (me === null) return busy ? <p role="status">Loading…</p> : <ErrorText error={error} />;
  const { key, grants } = me;
  const typeWide = Object.entries(grants.typeWide).map(([type, actions]) => `${type}: ${actions.join(', ')}`);
  const onResources = Object.entries(grants.resources).map(([id, actions]) => `${id}: ${actions.join(', ')}`);
  return (
    <section aria-labelledby="me-title">
      <h2 id="me-title">This key</h2>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{key.name}</dd>
        <dt>Key id</dt>
        <dd>
          <code>{key.id}</code>
        </dd>
        <dt>Kind</dt>
        <dd>
          {key.kind}
          {key.admin ? ' (admin)' : ''}
        </dd>
        <dt>Environment</dt>
        <dd>{key.environmentId === null ? 'none (instance-wide)' : <code>{key.environmentId}</code>}</dd>
        <dt>Status</dt>
        <dd>{key.status}</dd>
        <dt>Expires</dt>
        <dd>{when(key.expiresAt)}</dd>
      </dl>
      <h3>Effective permissions</h3>
      {grants.root ? <p>The root key: every permission, in every tenant.</p> : <Badges items={grants.permissions} empty="None." />}
      <h3>Scopes</h3>
      <Badges items={key.scopes} empty="No scopes given directly." />
      <h3>Type-wide access</h3>
      <Badges items={grants.allTypes.length > 0 ? [`every type: ${grants.allTypes.join(', ')}`, ...typeWide] : typeWide} empty="None." />
      {onResources.length > 0 && (
        <>
          <h3>Access to single resources</h3>
          <Badges items={onResources} empty="None." />
        </>
      )}
      <ErrorText error={error} />
      <button type="button" className="secondary" onClick={() => void refresh()} disabled={busy}>
        Refresh
      </button>
    </section>
  );
}
