/**
 * Sign-in with SSO as the console sees it. The session lives in an httpOnly cookie the console
 * never reads; it only knows that it signed in that way (`SESSION_KEY` in place of a key in this
 * tab's storage) and reads the CSRF token from the cookie made for it, to send back on writes.
 */
import type { PendingSessionObject } from '../../src/api/sessions.js';
import { KeywardApiError, type KeywardProblem } from '../../src/client/management.js';

/** Stored instead of a key when the tab signed in with SSO: not a secret, only which way it signed in. */
export const SESSION_KEY = 'sso-session';

export const CSRF_HEADER = 'x-keyward-csrf';

/** The session's CSRF token, from its cookie (`__Host-` on https; plain on a loopback http address). */
export function csrfToken(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === '__Host-keyward_csrf' || name === 'keyward_csrf') return value.join('=');
  }
  return null;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  // biome-ignore lint/style/noRestrictedGlobals: the SSO steps come before the client exists (no key to give it)
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json', [CSRF_HEADER]: csrfToken() ?? '' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) throw new KeywardApiError(response.status, (parsed ?? {}) as KeywardProblem);
  return parsed as T;
}

/** What is left of the sign-in: the key to choose, the one-time code. */
export function pendingSignIn(): Promise<PendingSessionObject> {
  return call('GET', '/v1/sso/pending');
}

export function completeSignIn(input: { keyId?: string; code?: string }): Promise<PendingSessionObject> {
  return call('POST', '/v1/sso/complete', input);
}

export function isComplete(pending: PendingSessionObject): boolean {
  return pending.keyChosen && !pending.mfaRequired;
}

/** What this server's sign-in offers: whether operators sign in with their provider (KEYWARD_OPERATOR_OIDC_*). */
export function ssoOptions(): Promise<{ operator: boolean }> {
  return call('GET', '/v1/sso/options');
}

/** Where an operator's browser goes to sign in as the instance: the operators' provider. */
export const OPERATOR_START_URL = '/v1/sso/operator';

/** Where the browser goes to sign in: the provider of the email's domain. */
export function startUrl(email: string): string {
  return `/v1/sso/start?${new URLSearchParams({ email }).toString()}`;
}

/** Why the server sent the browser back from a refused sign-in (`?sso_error=…&reason=…`), in words. */
const REASONS: Readonly<Record<string, string>> = {
  no_flow: 'No sign-in was in progress in this browser, or it took more than 10 minutes. Start again.',
  state: 'The answer from your identity provider was for another sign-in. Start again.',
  code: 'Your identity provider refused the sign-in code (already used or expired). Start again.',
  nonce: 'The identity token was made for another sign-in. Start again.',
  email_unverified: 'Your identity provider does not say your email is verified. Verify it there, then try again.',
  email_domain: "Your email is outside the domains this identity provider signs in. Use your company's account.",
  not_operator: 'Your account is not one of the operators of this instance. Sign in with your work email instead.',
  no_user: 'No user has your email in this tenant. Ask an admin to add you.',
  no_key: 'You have no live key that may sign in (applications.use). Ask an admin for one.',
  mfa_not_enrolled: 'This tenant requires two-factor authentication and you have none set up. Ask an admin.',
  provider: 'Your identity provider answered with an error, or could not be reached. Try again later.',
};

export function refusalMessage(search: string): string | null {
  const query = new URLSearchParams(search);
  const code = query.get('sso_error');
  if (code === null) return null;
  const reason = query.get('reason');
  return `Sign-in with SSO failed: ${(reason === null ? undefined : REASONS[reason]) ?? 'the server refused it.'} (${code}${reason === null ? '' : `, ${reason}`})`;
}

/** Signing out of an SSO session ends it on the server too (its cookies go with it); a failure leaves it to expire. */
export async function signOutOfSession(): Promise<void> {
  const listed = await call<{ items: { id: string; current: boolean }[] }>('GET', '/v1/sessions').catch(() => null);
  const current = listed?.items.find((item) => item.current);
  if (current !== undefined) await call('DELETE', `/v1/sessions/${current.id}`, {}).catch(() => null);
}
