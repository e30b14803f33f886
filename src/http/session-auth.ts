/**
 * The auth hook's second way in (after the bearer key): a session cookie from SSO sign-in. The
 * session is read from storage on every request, with the key it acts with (never cached), so a
 * revoked, disabled or expired key, or a deleted user, ends it on the next request. A write
 * (any method but GET, HEAD, OPTIONS) carried by the cookie must also send the session's CSRF
 * token in `X-Keyward-CSRF`: a cross-site page can make a browser send the cookie, never the header.
 *
 * A CLI session (`keyward login --sso`) comes as `Authorization: Bearer kwsession-<token>`
 * instead: a browser never attaches that header by itself, so no cross-site page can make a
 * request carry it, and it needs no CSRF token. Each session is bound to its way in: a console
 * session is accepted only from its cookie (with CSRF on writes), a CLI one only as a bearer.
 *
 * It also tells a console key sign-in from an API call: the console marks the calls it makes
 * with a pasted key by `X-Keyward-Console: key`, and a tenant with `requireSso` refuses those for
 * every key of its own (403 SSO_REQUIRED). An API call, without the mark, is answered as ever.
 */
import type { FastifyRequest } from 'fastify';
import type { Problem } from '../core/error-codes.js';
import { isRoot, type KeyRecord } from '../core/key-record.js';
import type { ServiceDeps } from '../modules/deps.js';
import { authenticateSession } from '../modules/sessions/session-authentication.js';
import type { CsrfTokens } from '../modules/sessions/session-tokens.js';
import { findTenant } from '../modules/tenants/tenants.repository.js';
import { SESSION_BEARER_PREFIX } from '../modules/sso/cli-handoff.js';
import { CSRF_HEADER, cookieNames, cookiesOf } from './session-cookies.js';

export const CONSOLE_HEADER = 'x-keyward-console';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export type SessionEntry =
  | { readonly ok: true; readonly key: KeyRecord; readonly sessionId: string; readonly email: string }
  | { readonly ok: false; readonly problem: Problem };

export interface SessionAuthenticator {
  /** The session token the request carries (a CLI's bearer, else the console's cookie), if any. */
  tokenOf(request: FastifyRequest): PresentedSession | undefined;
  authenticate(request: FastifyRequest, presented: PresentedSession): Promise<SessionEntry>;
  /** Why a key may not be used to sign in to the console here (requireSso), or null. */
  consoleKeyRefusal(request: FastifyRequest, key: KeyRecord): Promise<Problem | null>;
}

export interface PresentedSession {
  readonly token: string;
  /** `bearer`: a CLI session; `cookie`: a console one. */
  readonly via: 'bearer' | 'cookie';
}

const BEARER_SESSION = /^Bearer (\S+)$/i;

/** The session a request presents: a CLI's bearer (`kwsession-…`), else the console's cookie. */
export function presentedSession(request: FastifyRequest): PresentedSession | undefined {
  const bearer = BEARER_SESSION.exec(request.headers.authorization ?? '')?.[1];
  if (bearer?.startsWith(SESSION_BEARER_PREFIX) && bearer.length > SESSION_BEARER_PREFIX.length)
    return { token: bearer.slice(SESSION_BEARER_PREFIX.length), via: 'bearer' };
  const token = cookiesOf(request).get(cookieNames(request).session);
  return token === undefined || token === '' ? undefined : { token, via: 'cookie' };
}

/** Whether the session came in the way its client does: a CLI session as a bearer, a console one as its cookie. */
export function cameAsItsClient(client: string, via: PresentedSession['via']): boolean {
  return (client === 'cli') === (via === 'bearer');
}

const WRONG_WAY: Problem = {
  code: 'SESSION_ENDED',
  detail: 'a console session is sent only as its cookie, a CLI session only as Authorization: Bearer kwsession-…',
};

export function sessionAuthenticator(deps: ServiceDeps, csrf: CsrfTokens): SessionAuthenticator {
  return {
    tokenOf: presentedSession,
    async authenticate(request, { token, via }) {
      if (via === 'cookie' && !SAFE_METHODS.has(request.method)) {
        const header = request.headers[CSRF_HEADER];
        if (!csrf.matches(token, typeof header === 'string' ? header : undefined))
          return {
            ok: false,
            problem: {
              code: 'FORBIDDEN',
              detail: `a change made with a session cookie must send its CSRF token in ${CSRF_HEADER}`,
            },
          };
      }
      const actor = { keyId: null, requestId: request.id, sourceIp: request.ip };
      const found = await authenticateSession(deps, token, actor);
      if (!found.ok) return found;
      if (!cameAsItsClient(found.session.client, via)) return { ok: false, problem: WRONG_WAY };
      return { ok: true, key: found.key, sessionId: found.session.id, email: found.session.email };
    },
    async consoleKeyRefusal(request, key) {
      if (request.headers[CONSOLE_HEADER] !== 'key' || isRoot(key) || key.tenantId === null) return null;
      const tenant = await findTenant(deps.db, key.tenantId);
      if (tenant === undefined || !tenant.require_sso) return null;
      return {
        code: 'SSO_REQUIRED',
        detail:
          "this tenant's people sign in to the console with SSO (Sign in with SSO); the key still works for API calls",
      };
    },
  };
}
