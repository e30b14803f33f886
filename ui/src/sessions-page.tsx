/**
 * Sessions: who is signed in with SSO. A person sees and ends their own sessions (ending the
 * current one signs out); with users.manage, the tenant's. A session ends by itself when its key
 * stops working, its user goes, or it expires.
 */
import { useCallback } from 'react';
import type { SessionObject } from '../../src/api/sessions.js';
import { useConsole } from './console-context';
import { when } from './format';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';
import { useLoad } from './use-load';

export function SessionsPage() {
  const { api } = useConsole();
  const sessions = useLoad(useCallback(() => api.sessions.list({ limit: 100 }), [api]));
  const { busy, error, run } = useAction();

  const end = (session: SessionObject) =>
    void run(async () => {
      await api.sessions.delete(session.id);
      if (session.current) window.location.reload();
      else sessions.reload();
    });

  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <p className="help">Sign-ins with SSO. Each acts with one of its person's keys, and ends when that key does.</p>
      <ErrorText error={sessions.error ?? error} />
      {sessions.data !== null && sessions.data.items.length === 0 && <p>No one is signed in with SSO.</p>}
      {sessions.data !== null && sessions.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Key</th>
              <th scope="col">From</th>
              <th scope="col">Started</th>
              <th scope="col">Ends</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.items.map((session) => (
              <tr key={session.id}>
                <td>
                  {session.email}
                  {session.current ? ' (this session)' : ''}
                </td>
                <td>{session.keyId ?? 'not chosen yet'}</td>
                <td>
                  {session.client}
                  {session.sourceIp === null ? '' : `, ${session.sourceIp}`}
                </td>
                <td>{when(session.createdAt)}</td>
                <td>{when(session.expiresAt)}</td>
                <td>
                  <button type="button" className="secondary" disabled={busy} onClick={() => end(session)}>
                    {session.current ? 'End this session' : 'End'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
