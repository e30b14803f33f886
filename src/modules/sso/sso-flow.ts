/**
 * A sign-in in progress, between `/v1/sso/start` and `/v1/sso/callback`: the state, nonce and
 * PKCE verifier, held in the browser that started it as a cookie sealed (AES-256-GCM, key from the
 * pepper) so that only this server can read or make one. The callback accepts only the state this
 * browser was sent with, so a callback URL planted in another browser (login CSRF) has no flow to
 * finish. It lasts ten minutes and is cleared when the callback is answered.
 */
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { SecretBox } from '../../core/secret-box.js';

export const FLOW_TTL_MS = 10 * 60_000;
const BOUND_TO = 'sso-flow v1';

export interface SsoFlow {
  /** The tenant's provider; null: the operators' provider (KEYWARD_OPERATOR_OIDC_*). */
  readonly providerId: string | null;
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly expiresAt: number;
  /** Where the sign-in goes back to: the console, or the CLI's loopback address. */
  readonly client: 'console' | 'cli';
  readonly cliRedirect?: string;
  /** The CLI's PKCE challenge (S256 of a verifier only the CLI holds), checked when it takes the session. */
  readonly cliChallenge?: string;
}

/** What a flow cookie opens to; checked, since a cookie sealed by an older release may hold another shape. */
const isFlow = TypeCompiler.Compile(
  Type.Object({
    providerId: Type.Union([Type.String(), Type.Null()]),
    state: Type.String(),
    nonce: Type.String(),
    verifier: Type.String(),
    expiresAt: Type.Number(),
    client: Type.Union([Type.Literal('console'), Type.Literal('cli')]),
    cliRedirect: Type.Optional(Type.String()),
  }),
);

export function sealFlow(box: SecretBox, flow: SsoFlow): string {
  return box.seal(JSON.stringify(flow), BOUND_TO);
}

/** The flow, or null when the cookie was altered, made under another pepper, or is past its time. */
export function openFlow(box: SecretBox, sealed: string | undefined, now: number): SsoFlow | null {
  if (sealed === undefined) return null;
  const text = box.open(sealed, BOUND_TO);
  if (text === null) return null;
  try {
    const flow: unknown = JSON.parse(text);
    return isFlow.Check(flow) && flow.expiresAt > now ? flow : null;
  } catch {
    return null;
  }
}
