/**
 * How a finished SSO sign-in reaches the CLI (`keyward login --sso`), after RFC 8252 (OAuth for
 * native apps): the CLI listens on a loopback port and sends, with its sign-in, the S256 challenge
 * of a verifier it keeps. The callback hands the browser back to that loopback address with a
 * code: the session token sealed (AES-256-GCM, key from the pepper) with the challenge and five
 * minutes to live. The CLI trades the code and its verifier for the token (`POST /v1/sso/token`).
 * A code seen by anyone else (a browser's history, another program on the port) opens nothing
 * without the verifier, and the session token itself never passes through the browser.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fail, ok, type Result } from '../../core/error-codes.js';
import type { SecretBox } from '../../core/secret-box.js';

const BOUND_TO = 'sso-cli-handoff v1';
export const HANDOFF_TTL_MS = 5 * 60_000;
/** What a CLI session token is sent as (`Authorization: Bearer kwsession-…`): never a key's form (a prefix has no `-`). */
export const SESSION_BEARER_PREFIX = 'kwsession-';
/** RFC 7636: a verifier is 43 to 128 unreserved characters; its S256 challenge is 43 base64url ones. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * The CLI's part of a sign-in, checked: a challenge, and where given a loopback http address
 * (RFC 8252 §7.3), so the code goes to no other host. No address: the callback shows the code
 * to paste into the CLI (a browser on another machine).
 */
export function checkCliStart(
  client: 'console' | 'cli',
  redirect: string | undefined,
  challenge: string | undefined,
): Result<null> {
  if (client === 'console') {
    if (redirect !== undefined || challenge !== undefined)
      return fail('VALIDATION', 'redirect and challenge are for client=cli only', { field: 'client' });
    return ok(null);
  }
  if (challenge === undefined || !CHALLENGE.test(challenge))
    return fail('VALIDATION', 'client=cli needs challenge: the S256 PKCE challenge (43 base64url characters)', {
      field: 'challenge',
    });
  if (redirect === undefined) return ok(null);
  let url: URL;
  try {
    url = new URL(redirect);
  } catch {
    return fail('VALIDATION', 'redirect is not a URL', { field: 'redirect' });
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'http:' || !loopback || url.port === '' || url.username !== '' || url.hash !== '')
    return fail('VALIDATION', 'redirect must be http://127.0.0.1:<port>/… (or [::1]): the CLI on this machine', {
      field: 'redirect',
    });
  return ok(null);
}

/** What a code opens to; checked, since a code sealed by an older release may hold another shape. */
const isHandoff = TypeCompiler.Compile(
  Type.Object({ token: Type.String(), challenge: Type.String(), expiresAt: Type.Number() }),
);

export function sealHandoff(box: SecretBox, token: string, challenge: string, now: number): string {
  return box.seal(JSON.stringify({ token, challenge, expiresAt: now + HANDOFF_TTL_MS }), BOUND_TO);
}

/** The session token for the CLI that holds the verifier of the code's challenge, or why not. */
export function openHandoff(box: SecretBox, code: string, verifier: string, now: number): Result<string> {
  const refused = (detail: string) => fail('SSO_REFUSED', detail, { reason: 'code' });
  const text = box.open(code, BOUND_TO);
  if (text === null) return refused('the sign-in code is not one this server made: run keyward login --sso again');
  let handoff: unknown;
  try {
    handoff = JSON.parse(text);
  } catch {
    return refused('the sign-in code cannot be read: run keyward login --sso again');
  }
  if (!isHandoff.Check(handoff)) return refused('the sign-in code cannot be read: run keyward login --sso again');
  const { token, challenge, expiresAt } = handoff;
  if (expiresAt <= now) return refused('the sign-in code is older than 5 minutes: run keyward login --sso again');
  const given = Buffer.from(VERIFIER.test(verifier) ? challengeOf(verifier) : '');
  const expected = Buffer.from(challenge);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return refused('the verifier does not match the challenge this sign-in started with');
  return ok(SESSION_BEARER_PREFIX + token);
}
