/**
 * "Sign in with SSO": the person's work email sends the browser to their company's identity
 * provider; back in the console, the sign-in is finished here when it asks more (which of their
 * keys to act with, their one-time code), then the console opens as them, acting with that key.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { PendingSessionObject } from '../../src/api/sessions.js';
import { createApi, type MeObject } from './api';
import { ErrorText } from './problem-text';
import {
  completeSignIn,
  csrfToken,
  isComplete,
  OPERATOR_START_URL,
  pendingSignIn,
  SESSION_KEY,
  ssoOptions,
  startUrl,
} from './sso';
import { useAction } from './use-action';

export interface SsoSignInProps {
  readonly onSignedIn: (key: string, me: MeObject) => void;
}

export function SsoSignIn({ onSignedIn }: SsoSignInProps) {
  const [pending, setPending] = useState<PendingSessionObject | null>(null);
  // Offered only where the server has operators' sign-in configured; unknown until it says.
  const [operatorSignIn, setOperatorSignIn] = useState(false);
  const { busy, error, run } = useAction();

  useEffect(() => {
    let current = true;
    void ssoOptions()
      .then((options) => current && setOperatorSignIn(options.operator))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);

  const finish = async (state: PendingSessionObject) => {
    if (!isComplete(state)) {
      setPending(state);
      return;
    }
    onSignedIn(SESSION_KEY, await createApi(SESSION_KEY).me());
  };

  // Back from the provider: a session cookie came with its CSRF token; see what is left to do.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on arrival
  useEffect(() => {
    if (csrfToken() === null) return;
    void run(async () => {
      const state = await pendingSignIn().catch(() => null);
      if (state !== null) await finish(state);
    });
  }, []);

  const start = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email') ?? '').trim();
    window.location.assign(startUrl(email));
  };

  const complete = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const keyId = form.get('keyId');
    const code = form.get('code');
    void run(async () =>
      finish(
        await completeSignIn({
          ...(typeof keyId === 'string' ? { keyId } : {}),
          ...(typeof code === 'string' && code !== '' ? { code: code.trim() } : {}),
        }),
      ),
    );
  };

  if (pending !== null)
    return (
      <form onSubmit={complete} aria-labelledby="sso-finish-title">
        <h2 id="sso-finish-title">Finish signing in</h2>
        <p>Signed in with SSO as {pending.email}.</p>
        {!pending.keyChosen && (
          <fieldset>
            <legend>Act with which of your keys?</legend>
            {pending.keys.map((key, index) => (
              <label key={key.id}>
                <input type="radio" name="keyId" value={key.id} required defaultChecked={index === 0} /> {key.name} (
                {key.id})
              </label>
            ))}
          </fieldset>
        )}
        {pending.mfaRequired && (
          <>
            <label htmlFor="sso-code">One-time code</label>
            <input
              id="sso-code"
              name="code"
              required
              inputMode="numeric"
              pattern="[0-9]{6}"
              maxLength={6}
              autoComplete="one-time-code"
            />
          </>
        )}
        <ErrorText error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Continue'}
        </button>
      </form>
    );

  return (
    <>
      <SsoEmailForm onSubmit={start} busy={busy} error={error} />
      {operatorSignIn && (
        <section aria-labelledby="operator-title">
          <h2 id="operator-title">Operators</h2>
          <p className="help">
            Operators of this Keyward sign in as the instance with their own identity provider; the root key stays with
            the CLI, automation and break-glass.
          </p>
          <a className="button" href={OPERATOR_START_URL}>
            Sign in as operator
          </a>
        </section>
      )}
    </>
  );
}

function SsoEmailForm({
  onSubmit: start,
  busy,
  error,
}: {
  readonly onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  readonly busy: boolean;
  readonly error: unknown;
}) {
  return (
    <form onSubmit={start} aria-labelledby="sso-title">
      <h2 id="sso-title">Sign in with SSO</h2>
      <label htmlFor="sso-email">Work email</label>
      <input id="sso-email" name="email" type="email" required autoComplete="email" />
      <p className="help">You go to your company's sign-in page, then come back here as yourself.</p>
      <ErrorText error={error} />
      <button type="submit" disabled={busy}>
        {busy ? 'Checking…' : 'Continue with SSO'}
      </button>
    </form>
  );
}
