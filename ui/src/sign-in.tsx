/**
 * Sign-in: SSO (a person's, or an operator's where configured), or a key that holds `applications.use`
 * (the root key still works, for break-glass), then, when the key's user has MFA
 * confirmed, a one-time code checked by `POST /v1/me/mfa/verify`. The key stays in this
 * component's state until both pass; the key field is gone from the page once the code is asked.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { createApi, holds, KeywardApiError, type MeObject } from './api';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';
import { SsoSignIn } from './sso-sign-in';
import { refusalMessage } from './sso';

export const SIGN_IN_PERMISSION = 'applications.use';

export interface SignInProps {
  readonly onSignedIn: (key: string, me: MeObject) => void;
  /** Why the last session ended, if it ended on its own. */
  readonly notice: string | null;
}

interface Pending {
  readonly key: string;
  readonly me: MeObject;
}

/** Whether the key's user has confirmed MFA; null when this key may not tell (403/404). */
async function mfaEnrolled(key: string, me: MeObject): Promise<boolean> {
  if (me.key.userId === null) return false;
  try {
    return (await createApi(key).users.mfaStatus(me.key.userId)).enrolled;
  } catch (error) {
    if (error instanceof KeywardApiError && (error.httpStatus === 403 || error.httpStatus === 404)) return false;
    throw error;
  }
}

export function SignIn({ onSignedIn, notice }: SignInProps) {
  const [pending, setPending] = useState<Pending | null>(null);
  const { busy, error, run, clearError } = useAction();

  const checkKey = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const key = String(new FormData(event.currentTarget).get('key') ?? '').trim();
    void run(async () => {
      const me = await createApi(key).me();
      if (!holds(me, SIGN_IN_PERMISSION))
        throw new Error(
          `This key may not sign in to the management UI: it lacks the ${SIGN_IN_PERMISSION} permission.`,
        );
      if (await mfaEnrolled(key, me)) setPending({ key, me });
      else onSignedIn(key, me);
    });
  };

  const checkCode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending === null) return;
    const form = event.currentTarget;
    const code = String(new FormData(form).get('code') ?? '').trim();
    void run(async () => {
      try {
        await createApi(pending.key).verifyMfa(code);
        onSignedIn(pending.key, pending.me);
      } catch (failure) {
        // A wrong code is cleared for the next one; run() still shows why it failed.
        form.reset();
        throw failure;
      }
    });
  };

  // Sent back from a refused SSO sign-in: the reason, once; the address is cleaned of it.
  const [ssoRefusal] = useState(() => refusalMessage(window.location.search));
  useEffect(() => {
    if (ssoRefusal !== null) window.history.replaceState(null, '', window.location.pathname);
  }, [ssoRefusal]);

  const startOver = () => {
    setPending(null);
    clearError();
  };

  return (
    <main className="sign-in">
      <h1>Keyward</h1>
      {notice !== null && <p className="notice">{notice}</p>}
      {ssoRefusal !== null && (
        <p className="error" role="alert">
          {ssoRefusal}
        </p>
      )}
      {pending === null && <SsoSignIn onSignedIn={onSignedIn} />}
      {pending === null ? (
        <form onSubmit={checkKey} aria-labelledby="sign-in-title">
          <h2 id="sign-in-title">Sign in</h2>
          <label htmlFor="sign-in-key">API key</label>
          <input
            id="sign-in-key"
            name="key"
            type="password"
            required
            autoComplete="off"
            spellCheck={false}
            autoFocus
            aria-describedby="sign-in-help"
          />
          <p id="sign-in-help" className="help">
            A key with the {SIGN_IN_PERMISSION} permission. It is kept in this tab only and forgotten when you sign out
            or close it. Operators sign in as operator with SSO (KEYWARD_OPERATOR_OIDC_*): the root key is for the CLI,
            automation and break-glass, not a browser.
          </p>
          <ErrorText error={error} />
          <button type="submit" disabled={busy}>
            {busy ? 'Checking…' : 'Sign in'}
          </button>
        </form>
      ) : (
        <form onSubmit={checkCode} aria-labelledby="mfa-title">
          <h2 id="mfa-title">One-time code</h2>
          <p>
            Key {pending.me.key.name} belongs to a user with two-factor authentication. Enter the 6-digit code your
            authenticator app shows.
          </p>
          <label htmlFor="mfa-code">Code</label>
          <input
            id="mfa-code"
            name="code"
            required
            inputMode="numeric"
            pattern="[0-9]{6}"
            maxLength={6}
            autoComplete="one-time-code"
            autoFocus
          />
          <ErrorText error={error} />
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Checking…' : 'Verify'}
            </button>
            <button type="button" className="secondary" onClick={startOver}>
              Use another key
            </button>
          </div>
        </form>
      )}
    </main>
  );
}
