/**
 * Inbound webhook signatures (SPEC §4, webhook keys): whether a request a platform received was
 * signed with a webhook key's secret, by the scheme of its sender. `slack`: `X-Slack-Signature:
 * v0=<hex HMAC-SHA-256 of "v0:{timestamp}:{body}">` with `X-Slack-Request-Timestamp` within five
 * minutes; `github`: `X-Hub-Signature-256: sha256=<hex HMAC-SHA-256 of the body>`; `standard`
 * (Standard Webhooks): `webhook-signature: v1,<base64 HMAC-SHA-256 of "{id}.{timestamp}.{body}">`
 * under the bytes of a `whsec_` secret, with `webhook-timestamp` within five minutes. Pure: the
 * time is given, and every comparison of a signature is constant-time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { VerifyReason, WebhookScheme } from './webhook-schemes.js';

export type { VerifyReason, WebhookScheme } from './webhook-schemes.js';

export type SignatureVerdict =
  | { readonly valid: true; readonly secret: 'current' | 'previous' }
  | { readonly valid: false; readonly reason: VerifyReason; readonly header?: string };

/** How far a signed timestamp may be from now, either way: Slack's and Standard Webhooks' five minutes. */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

const STANDARD_PREFIX = 'whsec_';

export interface SignedRequest {
  /** Header names in any case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** A new secret for `scheme`: Standard Webhooks' `whsec_` + base64 of 32 random bytes; 32 random hex characters otherwise. */
export function generateWebhookSecret(scheme: WebhookScheme): string {
  return scheme === 'standard'
    ? `${STANDARD_PREFIX}${randomBytes(32).toString('base64')}`
    : randomBytes(16).toString('hex');
}

/** Why an imported secret cannot serve `scheme`, or null when it can. */
export function secretProblem(scheme: WebhookScheme, secret: string): string | null {
  if (scheme !== 'standard') return null;
  const key = standardKey(secret);
  return key === null || key.length < 16
    ? 'a standard secret is "whsec_" followed by the base64 of at least 16 bytes'
    : null;
}

/** The HMAC key of a Standard Webhooks secret: the bytes its base64 part encodes. */
function standardKey(secret: string): Buffer | null {
  if (!secret.startsWith(STANDARD_PREFIX)) return null;
  const encoded = secret.slice(STANDARD_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return null;
  return Buffer.from(encoded, 'base64');
}

function hmac(key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Constant-time for equal lengths; a length differs only for a malformed signature, which says nothing of the secret. */
function sameBytes(expected: Buffer, presented: Buffer): boolean {
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}

function headerOf(request: SignedRequest, name: string): string | undefined {
  for (const [key, value] of Object.entries(request.headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

type Check =
  | { readonly ok: true; readonly matches: (secret: string) => boolean }
  | Extract<SignatureVerdict, { valid: false }>;

const missing = (header: string): Check => ({ valid: false, reason: 'missing_header', header });
const malformed = (header: string): Check => ({ valid: false, reason: 'malformed_header', header });
const stale: Check = { valid: false, reason: 'stale_timestamp' };

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

function timestampProblem(text: string, header: string, nowMs: number): Check | null {
  if (!/^\d{1,12}$/.test(text)) return malformed(header);
  return Math.abs(nowMs / 1000 - Number(text)) > TIMESTAMP_TOLERANCE_SECONDS ? stale : null;
}

function slackCheck(request: SignedRequest, nowMs: number): Check {
  const signature = headerOf(request, 'x-slack-signature');
  const timestamp = headerOf(request, 'x-slack-request-timestamp');
  if (signature === undefined) return missing('x-slack-signature');
  if (timestamp === undefined) return missing('x-slack-request-timestamp');
  if (!signature.startsWith('v0=') || !HEX_SHA256.test(signature.slice(3))) return malformed('x-slack-signature');
  const problem = timestampProblem(timestamp, 'x-slack-request-timestamp', nowMs);
  if (problem !== null) return problem;
  const presented = Buffer.from(signature.slice(3), 'hex');
  return { ok: true, matches: (secret) => sameBytes(hmac(secret, `v0:${timestamp}:`, request.body), presented) };
}

function githubCheck(request: SignedRequest): Check {
  const signature = headerOf(request, 'x-hub-signature-256');
  if (signature === undefined) return missing('x-hub-signature-256');
  if (!signature.startsWith('sha256=') || !HEX_SHA256.test(signature.slice(7))) return malformed('x-hub-signature-256');
  const presented = Buffer.from(signature.slice(7), 'hex');
  return { ok: true, matches: (secret) => sameBytes(hmac(secret, request.body), presented) };
}

function standardCheck(request: SignedRequest, nowMs: number): Check {
  const id = headerOf(request, 'webhook-id');
  const timestamp = headerOf(request, 'webhook-timestamp');
  const signatures = headerOf(request, 'webhook-signature');
  if (id === undefined) return missing('webhook-id');
  if (timestamp === undefined) return missing('webhook-timestamp');
  if (signatures === undefined) return missing('webhook-signature');
  // Space-delimited `version,base64` pairs: a sender rotating its secret sends one per secret.
  const presented = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  if (presented.length === 0) return malformed('webhook-signature');
  const problem = timestampProblem(timestamp, 'webhook-timestamp', nowMs);
  if (problem !== null) return problem;
  return {
    ok: true,
    matches: (secret) => {
      const key = standardKey(secret);
      if (key === null) return false;
      const expected = hmac(key, `${id}.${timestamp}.`, request.body);
      // Every presented signature is compared, so the time taken does not say which one matched.
      return presented.reduce((found, signature) => sameBytes(expected, signature) || found, false);
    },
  };
}

/**
 * Whether `request` was signed with `current`, or with `previous` while a rotation's grace lets
 * it verify (the caller passes it only then). Headers are checked before any secret is used.
 */
export function verifyWebhookSignature(
  scheme: WebhookScheme,
  secrets: { readonly current: string; readonly previous: string | null },
  request: SignedRequest,
  nowMs: number,
): SignatureVerdict {
  const check =
    scheme === 'slack'
      ? slackCheck(request, nowMs)
      : scheme === 'github'
        ? githubCheck(request)
        : standardCheck(request, nowMs);
  if (!('ok' in check)) return check;
  if (check.matches(secrets.current)) return { valid: true, secret: 'current' };
  if (secrets.previous !== null && check.matches(secrets.previous)) return { valid: true, secret: 'previous' };
  return { valid: false, reason: 'bad_signature' };
}

/** The last characters of a secret, safe to show to tell secrets apart (as a key's hint). */
export function webhookSecretHint(secret: string): string {
  return secret.slice(-4);
}
