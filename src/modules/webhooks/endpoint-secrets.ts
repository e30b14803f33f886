/**
 * An endpoint's signing secrets: sealed at rest under a key derived from the pepper and bound to
 * the endpoint's id (core/secret-box.ts), opened only to sign. During a rotation's overlap the
 * previous secret signs too, so a receiver still holding it keeps verifying.
 */
import type { SecretBox } from '../../core/secret-box.js';
import type { EndpointRow } from './endpoints.repository.js';

/** What a sealed secret is bound to: its endpoint, and which of its two secrets it is. */
export const secretBinding = (endpointId: string, which: 'current' | 'previous'): string =>
  `webhook-endpoint:${endpointId}:${which}`;

/** The secrets that sign now: the current one, then the previous one while its overlap lasts. */
export function endpointSecrets(box: SecretBox, endpoint: EndpointRow, now: number): string[] {
  const current = box.open(endpoint.secret, secretBinding(endpoint.id, 'current'));
  // A secret that does not open was altered or sealed under another pepper: nothing could verify it; fail loudly.
  if (current === null) throw new Error(`the signing secret of ${endpoint.id} does not open under this pepper`);
  const previous =
    endpoint.previous_secret !== null && endpoint.previous_secret_until !== null && endpoint.previous_secret_until > now
      ? box.open(endpoint.previous_secret, secretBinding(endpoint.id, 'previous'))
      : null;
  return previous === null ? [current] : [current, previous];
}
