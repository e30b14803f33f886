/**
 * What the logger may write about a request or an error: never a key, whatever the URL or header
 * it came in (SPEC §5). A URL keeps its path with every key-shaped token masked and its query
 * string's names with every value masked; an error's message and stack are masked the same way.
 */
import type { FastifyRequest } from 'fastify';
import { stdSerializers } from 'pino';

/** `<prefix>_<38 base62>`: the shape of every Keyward key (core/key-format.ts), anywhere in a text. */
const KEY_SHAPED = /[a-z0-9]{1,12}_[0-9A-Za-z]{38}/g;
const MASK = '[redacted]';

export function maskKeys(text: string): string {
  return text.replace(KEY_SHAPED, MASK);
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // Not valid percent-encoding as a whole: still read an encoded underscore as the key's own.
    return text.replace(/%5f/gi, '_');
  }
}

/** The path with key-shaped tokens masked (also when percent-encoded), and no query value at all. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  const path = maskKeys(decoded(mark === -1 ? url : url.slice(0, mark)));
  if (mark === -1) return path;
  const names = url
    .slice(mark + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => `${maskKeys(decoded(pair.split('=')[0] ?? ''))}=${MASK}`);
  return `${path}?${names.join('&')}`;
}

export const logSerializers = {
  req(request: FastifyRequest) {
    return { method: request.method, url: redactUrl(request.url), host: request.host, remoteAddress: request.ip };
  },
  err(error: Error): { [field: string]: unknown; type: string; message: string; stack: string } {
    const serialised = stdSerializers.err(error);
    return { ...serialised, message: maskKeys(String(serialised.message)), stack: maskKeys(String(serialised.stack)) };
  },
};
