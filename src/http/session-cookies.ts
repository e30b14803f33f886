/**
 * The cookies of SSO sign-in and sessions. The session token is httpOnly (no script reads it),
 * `SameSite=Lax` (sent on the top-level navigation back from the provider, never on a cross-site
 * POST or fetch) and `Secure` with the `__Host-` prefix (https only, this host only, path /).
 * The CSRF token is readable by the console's script, which sends it back in `X-Keyward-CSRF`.
 *
 * `Secure` is relaxed in one case only: a plain-http request to a loopback host (127.0.0.1,
 * ::1, localhost), where a browser keeps the connection on the machine; that is development and
 * the tests. Any other http request still gets `Secure` cookies, which a browser then drops.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export const CSRF_HEADER = 'x-keyward-csrf';

/** Whether the request may get cookies without `Secure`: plain http to a loopback host. */
export function relaxedCookies(request: FastifyRequest): boolean {
  return request.protocol === 'http' && LOOPBACK_HOSTS.has(request.hostname.toLowerCase());
}

export function cookieNames(request: FastifyRequest): { session: string; csrf: string; flow: string } {
  return relaxedCookies(request)
    ? { session: 'keyward_session', csrf: 'keyward_csrf', flow: 'keyward_sso_flow' }
    : { session: '__Host-keyward_session', csrf: '__Host-keyward_csrf', flow: '__Host-keyward_sso_flow' };
}

/** The request's cookies by name (RFC 6265 `Cookie` header: `a=b; c=d`). */
export function cookiesOf(request: FastifyRequest): ReadonlyMap<string, string> {
  const header = request.headers.cookie ?? '';
  const cookies = new Map<string, string>();
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    const name = part.slice(0, equals).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(equals + 1).trim());
  }
  return cookies;
}

interface CookieOptions {
  readonly httpOnly: boolean;
  readonly sameSite: 'Lax' | 'Strict';
  /** Seconds; 0 deletes the cookie. */
  readonly maxAgeSeconds: number;
}

function serialise(request: FastifyRequest, name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', `Max-Age=${options.maxAgeSeconds}`, `SameSite=${options.sameSite}`];
  if (options.httpOnly) parts.push('HttpOnly');
  if (!relaxedCookies(request)) parts.push('Secure');
  return parts.join('; ');
}

function addCookie(reply: FastifyReply, cookie: string): void {
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  reply.header('set-cookie', [...list, cookie]);
}

export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  csrf: string,
  ttlMs: number,
): void {
  const names = cookieNames(request);
  const maxAgeSeconds = Math.max(1, Math.floor(ttlMs / 1000));
  addCookie(reply, serialise(request, names.session, token, { httpOnly: true, sameSite: 'Lax', maxAgeSeconds }));
  addCookie(reply, serialise(request, names.csrf, csrf, { httpOnly: false, sameSite: 'Strict', maxAgeSeconds }));
}

export function clearSessionCookies(request: FastifyRequest, reply: FastifyReply): void {
  const names = cookieNames(request);
  addCookie(reply, serialise(request, names.session, '', { httpOnly: true, sameSite: 'Lax', maxAgeSeconds: 0 }));
  addCookie(reply, serialise(request, names.csrf, '', { httpOnly: false, sameSite: 'Strict', maxAgeSeconds: 0 }));
}

export function setFlowCookie(request: FastifyRequest, reply: FastifyReply, sealed: string, ttlMs: number): void {
  addCookie(
    reply,
    serialise(request, cookieNames(request).flow, sealed, {
      httpOnly: true,
      sameSite: 'Lax',
      maxAgeSeconds: Math.floor(ttlMs / 1000),
    }),
  );
}

export function clearFlowCookie(request: FastifyRequest, reply: FastifyReply): void {
  addCookie(
    reply,
    serialise(request, cookieNames(request).flow, '', { httpOnly: true, sameSite: 'Lax', maxAgeSeconds: 0 }),
  );
}
