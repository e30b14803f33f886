/**
 * The management UI: sign-in, then three tabs (Me, Keys, Audit). A tab whose permission the
 * key lacks says which one instead of calling the API to be refused. The session ends on sign
 * out, or by itself when the key stops working (revoked, expired, disabled).
 */
import { useCallback, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { createApi, holds, type MeObject, type Problem } from './api';
import { AuditPage } from './audit-page';
import { KeysPage } from './keys-page';
import { MePage } from './me-page';
import { forgetKey, storedKey, storeKey } from './session';
import { SIGN_IN_PERMISSION, SignIn } from './sign-in';

interface Session {
  readonly key: string;
  readonly me: MeObject | null;
}

const TABS = [
  { id: 'me', label: 'Me', needs: null },
  { id: 'keys', label: 'Keys', needs: 'users.manage' },
  { id: 'audit', label: 'Audit', needs: 'tenant.manage' },
] as const;

type TabId = (typeof TABS)[number]['id'];

function startingSession(): Session | null {
  const key = storedKey();
  return key === null ? null : { key, me: null };
}

export function App() {
  const [session, setSession] = useState<Session | null>(startingSession);
  const [notice, setNotice] = useState<string | null>(null);

  const signIn = useCallback((key: string, me: MeObject) => {
    storeKey(key);
    setNotice(null);
    setSession({ key, me });
  }, []);
  const signOut = useCallback((reason: string | null = null) => {
    forgetKey();
    setNotice(reason);
    setSession(null);
  }, []);

  // A session restored from this tab's storage is checked again when Me loads.
  const updateMe = (me: MeObject) => {
    if (!holds(me, SIGN_IN_PERMISSION)) signOut(`Signed out: this key no longer holds ${SIGN_IN_PERMISSION}.`);
    else setSession((current) => (current === null ? null : { ...current, me }));
  };
  const replaceKey = (key: string) => {
    storeKey(key);
    setSession((current) => (current === null ? null : { ...current, key }));
  };

  if (session === null) return <SignIn onSignedIn={signIn} notice={notice} />;
  return <Console session={session} onMe={updateMe} onKeyChanged={replaceKey} onSignOut={signOut} />;
}

interface ConsoleProps {
  readonly session: Session;
  readonly onMe: (me: MeObject) => void;
  /** The signed-in key was rotated from this session: carry on with its new secret. */
  readonly onKeyChanged: (key: string) => void;
  readonly onSignOut: (reason?: string | null) => void;
}

function Console({ session, onMe, onKeyChanged, onSignOut }: ConsoleProps) {
  const [tab, setTab] = useState<TabId>('me');
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const api = useMemo(
    () => createApi(session.key, (problem: Problem) => onSignOut(`Signed out: this key no longer works (${problem.detail}, ${problem.code}).`)),
    [session.key, onSignOut],
  );
  const { me } = session;

  // Arrow keys move between tabs (WAI-ARIA tabs pattern); Tab moves into the panel.
  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    const next = TABS[(index + step + TABS.length) % TABS.length];
    if (next === undefined) return;
    setTab(next.id);
    tabRefs.current[next.id]?.focus();
  };

  const current = TABS.find((candidate) => candidate.id === tab) ?? TABS[0];
  const lacking = me !== null && current.needs !== null && !holds(me, current.needs) ? current.needs : null;

  return (
    <>
      <header>
        <h1>Keyward</h1>
        <p className="who">{me === null ? 'Signed in' : `Signed in as ${me.key.name} (${me.key.id})`}</p>
        <button type="button" className="secondary" onClick={() => onSignOut()}>
          Sign out
        </button>
      </header>
      <div role="tablist" aria-label="Pages">
        {TABS.map((candidate, index) => (
          <button
            key={candidate.id}
            ref={(element) => {
              tabRefs.current[candidate.id] = element;
            }}
            type="button"
            role="tab"
            id={`tab-${candidate.id}`}
            aria-selected={candidate.id === tab}
            aria-controls={`panel-${candidate.id}`}
            tabIndex={candidate.id === tab ? 0 : -1}
            onClick={() => setTab(candidate.id)}
            onKeyDown={(event) => onTabKey(event, index)}
          >
            {candidate.label}
          </button>
        ))}
      </div>
      <main role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`}>
        {current.id === 'me' || me === null ? (
          <MePage api={api} me={me} onMe={onMe} />
        ) : lacking !== null ? (
          <p className="lacking">
            This page needs the <code>{lacking}</code> permission, which this key does not hold.
          </p>
        ) : current.id === 'keys' ? (
          <KeysPage api={api} me={me} onOwnKeyRotated={onKeyChanged} onOwnKeyRevoked={() => onSignOut('Signed out: you revoked the key this session used.')} />
        ) : (
          <AuditPage api={api} />
        )}
      </main>
    </>
  );
}
