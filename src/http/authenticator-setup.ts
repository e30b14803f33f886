/**
 * The node's authenticator (verify and management calls alike) with what it should say when a
 * storage write it tries on the side fails: neither failure refuses the key in hand.
 */
import type { FastifyBaseLogger } from 'fastify';
import { type Authenticator, type AuthenticatorDeps, createAuthenticator } from '../verify/authenticate.js';

export function nodeAuthenticator(
  deps: Omit<AuthenticatorDeps, 'onRehashError' | 'onRefreshError'>,
  log: () => FastifyBaseLogger,
): Authenticator {
  return createAuthenticator({
    ...deps,
    onRehashError: (error) =>
      log().warn(
        { err: error },
        'a key found under the previous pepper could not be re-hashed; it is tried again on its next use',
      ),
    onRefreshError: (error) =>
      log().warn(
        { err: error },
        'a cached key could not be read again before its TTL; it is read on its first use after',
      ),
  });
}
