/**
 * The request id of a request: the caller's `X-Request-Id` when it is well formed, so an id a
 * proxy or a calling service assigned follows the request into Keyward's log lines and answers;
 * else one of Keyward's own. Well formed: 1 to 128 characters of letters, digits and `-_.:/+=@`
 * (UUIDs, ULIDs, W3C trace ids, base64 and most proxies' ids) — nothing that could break a log
 * line or a header, nothing long enough to bloat every line.
 */
import type { IncomingMessage } from 'node:http';

const WELL_FORMED = /^[A-Za-z0-9\-_.:/+=@]{1,128}$/;

/** Fastify's `genReqId`: runs for every request, verify's included, so a header lookup and one regex test. */
export function requestIdFrom(generate: () => string): (request: IncomingMessage) => string {
  return (request) => {
    const incoming = request.headers['x-request-id'];
    return typeof incoming === 'string' && WELL_FORMED.test(incoming) ? incoming : generate();
  };
}
