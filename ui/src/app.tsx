/**
 * The management console: sign-in, then (root only) the tenant to work in, then one page per
 * area, chosen by the URL's hash. An area whose permission the key lacks says which one instead
 * of calling the API to be refused. The session ends on sign out, or by itself when the key
 * stops working (revoked, expired, disabled).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createApi, holds, type KeyGone, type MeObject } from './api';
import { areaOf, AREAS } from './areas';
import { ConsoleContext, type ConsoleData } from './console-context';
import { grantorFor } from '../../src/api/grants.js';
import { AreaPage } from './area-page';
import { ErrorText } from './problem-text';
import { forgetKey, storedKey, storeKey } from './session';
import { SIGN_IN_PERMISSION, SignIn } from './sign-in';
import { TenantHeading } from './tenant-heading';
import { TenantPicker } from './tenant-picker';
import { SESSION_KEY, signOutOfSession } from './sso';
import { storedTenant, storeTenant } from './tenant-session';
import { useLoad } from './use-load';
import { href, useRoute } from './use-route';

interface Session {
  readonly key: string;
  readonly me: MeObject | null;
  /** Root's chosen tenant; other keys work in their own. */
  readonly tenantId: string | null;
}

function startingSession(): Session | null {
  const key = storedKey();
  // Root's tenant survives a reload (tenant-session.ts); another key's is its own anyway.
  return key === null ? null : { key, me: null, tenantId: storedTenant() };
}

export function App() {
  const [session, setSession] = useState<Session | null>(startingSession);
  const [notice, setNotice] = useState<string | null>(null);

  const signIn = useCallback((key: string, me: MeObject) => {
    storeKey(key);
    storeTenant(null);
    setNotice(null);
    setSession({ key, me, tenantId: null });
  }, []);
  const signOut = useCallback((reason: string | null = null) => {
    if (storedKey() === SESSION_KEY) void signOutOfSession();
    forgetKey();
    storeTenant(null);
    setNotice(reason);
    setSession(null);
  }, []);

  if (session === null) return <SignIn onSignedIn={signIn} notice={notice} />;
  return <Console session={session} setSession={setSession} onSignOut={signOut} />;
}

interface ConsoleProps {
  readonly session: Session;
  readonly setSession: (change: (current: Session | null) => Session | null) => void;
  readonly onSignOut: (reason?: string | null) => void;
}

function Console({ session, setSession, onSignOut }: ConsoleProps) {
  const route = useRoute();
  const { me } = session;
  const tenantId = me === null ? null : me.grants.root ? session.tenantId : me.key.tenantId;
  const api = useMemo(
    () =>
      createApi(
        session.key,
        (gone: KeyGone) => onSignOut(`Signed out: this key no longer works (${gone.detail}, ${gone.code}).`),
        me?.grants.root === true ? tenantId : null,
      ),
    [session.key, onSignOut, tenantId, me?.grants.root],
  );
  const model = useLoad(useCallback(() => api.model(), [api]));
  const loadMe = useLoad(useCallback(() => api.me(), [api]));

  // A session restored from this tab's storage (or refreshed) is checked again.
  const fresh = loadMe.data;
  useEffect(() => {
    if (fresh === null) return;
    if (!holds(fresh, SIGN_IN_PERMISSION)) onSignOut(`Signed out: this key no longer holds ${SIGN_IN_PERMISSION}.`);
    else setSession((current) => (current === null ? null : { ...current, me: fresh }));
  }, [fresh, onSignOut, setSession]);

  const data: ConsoleData | null = useMemo(() => {
    if (me === null || model.data === null || tenantId === null) return null;
    return {
      api,
      me,
      model: model.data,
      grantor: grantorFor(model.data, me),
      tenantId,
      onOwnKeyRotated: (secret: string) => {
        storeKey(secret);
        setSession((current) => (current === null ? null : { ...current, key: secret }));
      },
      onOwnKeyRevoked: () => onSignOut('Signed out: you revoked the key this session used.'),
    };
  }, [api, me, model.data, tenantId, setSession, onSignOut]);

  // A new page takes focus as a whole, so keyboard and screen-reader users start at its top.
  const path = route.parts.join('/');
  const mounted = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on a page change only; `path` is the page
  useEffect(() => {
    if (mounted.current) document.getElementById('main')?.focus();
    mounted.current = true;
  }, [path]);

  const area = areaOf(route.parts[0]);
  const lacking = me !== null && area.needs !== null && !holds(me, area.needs) ? area.needs : null;
  const pickTenant = useCallback(
    (id: string | null) => {
      storeTenant(id);
      setSession((current) => (current === null ? null : { ...current, tenantId: id }));
    },
    [setSession],
  );
  const forgetGoneTenant = useCallback(() => pickTenant(null), [pickTenant]);

  return (
    <>
      <header>
        <h1>Keyward</h1>
        {me !== null && tenantId !== null && (
          <TenantHeading api={api} me={me} tenantId={tenantId} onGone={forgetGoneTenant} />
        )}
        <p className="who">{me === null ? 'Signed in' : `Signed in as ${me.key.name} (${me.key.id})`}</p>
        {me?.grants.root === true && tenantId !== null && (
          <button type="button" className="secondary" onClick={() => pickTenant(null)}>
            Switch tenant
          </button>
        )}
        <button type="button" className="secondary" onClick={() => onSignOut()}>
          Sign out
        </button>
      </header>
      <nav aria-label="Areas">
        <ul>
          {AREAS.map((candidate) => (
            <li key={candidate.id}>
              <a href={href(candidate.id)} aria-current={candidate.id === area.id ? 'page' : undefined}>
                {candidate.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {me === null || model.data === null ? (
          <>
            {(loadMe.loading || model.loading) && <p role="status">Loading…</p>}
            <ErrorText error={loadMe.error ?? model.error} />
          </>
        ) : tenantId === null ? (
          <TenantPicker api={api} onPick={pickTenant} />
        ) : lacking !== null ? (
          <p className="lacking">
            This page needs the <code>{lacking}</code> permission, which this key does not hold.
          </p>
        ) : data === null ? null : (
          <ConsoleContext.Provider value={data}>
            <AreaPage area={area.id} route={route} />
          </ConsoleContext.Provider>
        )}
      </main>
    </>
  );
}
