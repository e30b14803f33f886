/**
 * One attempt of one delivery over HTTP(S), guarded against server-side request forgery: the
 * target's name is resolved and every address it has judged first (refusing private, loopback,
 * link-local and metadata addresses: core/public-address.ts), then judged again by the socket's
 * own `lookup` as it connects, so a name that resolves to a public address first and a private one
 * next (DNS rebinding) still cannot reach inside. Redirects are not followed (a 3xx is a failed
 * attempt), the whole attempt has a deadline, and only the first bytes of the receiver's answer
 * are read, to finish the exchange: never logged, never kept.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIpLiteral, refusedAddress } from '../../core/public-address.js';

export interface SenderOptions {
  /** The attempt's deadline, from resolving the name to the last byte read. */
  readonly timeoutMs: number;
  /** `KEYWARD_WEBHOOK_ALLOW_PRIVATE`: private targets too (a receiver inside the network, tests). */
  readonly allowPrivate: boolean;
}

export interface AttemptOutcome {
  readonly delivered: boolean;
  /** The receiver's status, or null when there was none (refused, unreachable, timed out). */
  readonly statusCode: number | null;
  /** Why it failed, short and free of the receiver's body; null when delivered. */
  readonly error: string | null;
}

/** The most of a receiver's answer read (then dropped): enough to finish the exchange, never a log's worth. */
const MAX_ANSWER_BYTES = 4096;

class RefusedTarget extends Error {}

/** Every address `hostname` has, or a RefusedTarget naming the first the guard refuses. */
function resolveGuarded(hostname: string, family: number | undefined): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, ...(family ? { family } : {}) }, (error, addresses) => {
      if (error !== null) return reject(error);
      const refused = addresses.map((entry) => refusedAddress(entry.address)).find((reason) => reason !== null);
      if (refused !== undefined) return reject(new RefusedTarget(`refused: ${refused}`));
      if (addresses.length === 0) return reject(new RefusedTarget('refused: the name has no address'));
      resolve(addresses);
    });
  });
}

/** The socket's lookup: the name resolved and judged again as it connects. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  resolveGuarded(hostname, options.family === 4 || options.family === 6 ? options.family : undefined).then(
    (addresses) => {
      if (options.all === true) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    },
    (error: NodeJS.ErrnoException) => callback(error, '', 0),
  );
};

/** Why the URL may not be sent to before any connection (scheme, credentials, an IP literal the guard refuses). */
export function urlProblem(url: string, allowPrivate: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'only http and https URLs';
  if (parsed.username !== '' || parsed.password !== '') return 'no credentials in the URL';
  if (!allowPrivate && isIpLiteral(parsed.hostname)) {
    const refused = refusedAddress(parsed.hostname.replace(/^\[|\]$/g, ''));
    if (refused !== null) return `refused: ${refused}`;
  }
  return null;
}

function failure(error: string, statusCode: number | null = null): AttemptOutcome {
  return { delivered: false, statusCode, error };
}

function outcomeOf(status: number): AttemptOutcome {
  if (status >= 200 && status < 300) return { delivered: true, statusCode: status, error: null };
  if (status >= 300 && status < 400) return failure(`HTTP ${status}: redirects are not followed`, status);
  return failure(`HTTP ${status}`, status);
}

/** POSTs `body` with `headers` to `url` once; `signal` cuts it short (a node stopping). */
export async function attemptDelivery(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  options: SenderOptions,
  signal?: AbortSignal,
): Promise<AttemptOutcome> {
  const problem = urlProblem(url, options.allowPrivate);
  if (problem !== null) return failure(problem);
  const target = new URL(url);
  const attempt = new AbortController();
  const deadline = setTimeout(() => attempt.abort(), options.timeoutMs);
  const stop = (): void => attempt.abort();
  signal?.addEventListener('abort', stop);
  const cutShort = (): AttemptOutcome =>
    failure(signal?.aborted === true ? 'node stopping' : `no answer within ${options.timeoutMs} ms`);
  try {
    if (!options.allowPrivate && !isIpLiteral(target.hostname)) {
      // First judgement, before any connection; the socket's lookup judges again.
      const resolved = resolveGuarded(target.hostname, undefined).then(() => null);
      const aborted = new Promise<'aborted'>((resolve) =>
        attempt.signal.addEventListener('abort', () => resolve('aborted')),
      );
      if ((await Promise.race([resolved, aborted])) === 'aborted') return cutShort();
    }
    return await new Promise<AttemptOutcome>((resolve) => {
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(target, {
        method: 'POST',
        signal: attempt.signal,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Keyward-Webhooks',
        },
        ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
      });
      request.on('error', (error) => {
        if (attempt.signal.aborted) return resolve(cutShort());
        if (error instanceof RefusedTarget) return resolve(failure(error.message));
        resolve(failure(`unreachable: ${(error as NodeJS.ErrnoException).code ?? 'connection failed'}`));
      });
      request.on('response', (response: IncomingMessage) => {
        let read = 0;
        const done = (): void => {
          resolve(outcomeOf(response.statusCode ?? 0));
          response.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read >= MAX_ANSWER_BYTES) done();
        });
        response.on('end', done);
        response.on('error', done);
      });
      request.end(body);
    });
  } catch (error) {
    if (attempt.signal.aborted) return cutShort();
    if (error instanceof RefusedTarget) return failure(error.message);
    return failure(`unreachable: ${(error as NodeJS.ErrnoException).code ?? 'name not resolved'}`);
  } finally {
    clearTimeout(deadline);
    signal?.removeEventListener('abort', stop);
  }
}
