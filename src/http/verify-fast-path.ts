/**
 * `POST /v1/verify` answered beside Fastify's router (issue 27). A bare Fastify route spends on
 * every request what verify does not need: routing, a request and a reply object, the content-type
 * parser's async scope, hooks and the reply's send pipeline. A verify request of the usual shape
 * is read and answered here, on the node's HTTP server, before Fastify sees it; anything else is
 * left to Fastify untouched, and the route there stays the contract (OpenAPI, `inject`).
 *
 * Taken here: POST to exactly `/v1/verify`, with a JSON content type, a Content-Length of at most
 * the body limit, and no Transfer-Encoding. Of those, a body that is not JSON the hand check
 * recognises as a verify body (verify-body.ts: the schema's own verdict where it says yes; no
 * `__proto__` or `constructor`, which Fastify's parser refuses) is replayed through Fastify with
 * `inject`, so a bad request gets the very problem Fastify gives it. Every other body is verified
 * and answered with the reply the route itself would send (verify-replies.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VerifyBody, type VerifyInput } from '../api/verify.js';
import type { VerifyResult } from '../verify/verify.js';
import { isVerifyBody } from './verify-body.js';
import type { VerifyReplies, VerifyReply } from './verify-replies.js';

/** A server's request listener asked first: true when it took the request. */
export type RequestTaker = (request: IncomingMessage, response: ServerResponse) => boolean;

export interface VerifyFastPathDeps {
  readonly verify: (input: VerifyInput, sourceIp: string) => VerifyResult | Promise<VerifyResult>;
  readonly replies: VerifyReplies;
  /** The request id Fastify would give this request (its `genReqId`). */
  readonly requestId: (request: IncomingMessage) => string;
  /** The address Fastify's `request.ip` would say (the socket, or a trusted proxy's forward). */
  readonly ipOf: (request: IncomingMessage) => string;
  readonly bodyLimit: number;
  /** Answers the request through Fastify, its body already read (`app.inject`). */
  readonly replay: (request: IncomingMessage, response: ServerResponse, body: Buffer) => void;
}

const PATH = '/v1/verify';

/** Content types answered here, lowercased; Fastify's JSON parser takes the others it takes. */
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

function isJsonType(type: string | undefined): boolean {
  return type === 'application/json' || (type !== undefined && JSON_TYPES.has(type.toLowerCase()));
}

function takesHeaders(request: IncomingMessage, bodyLimit: number): boolean {
  if (request.method !== 'POST' || request.url !== PATH) return false;
  const headers = request.headers;
  if (headers['transfer-encoding'] !== undefined || !isJsonType(headers['content-type'])) return false;
  const length = Number(headers['content-length']);
  // The smallest verify body is longer than 2 bytes; an empty one is Fastify's to refuse.
  return length > 2 && length <= bodyLimit;
}

/** The opening of a body that holds a key and nothing else, as clients write it: `{"key":"`. */
const KEY_ONLY_OPEN = Buffer.from('{"key":"', 'latin1');
/** The schema's longest key: a longer one is the schema's to refuse. */
const KEY_MAX = VerifyBody.properties.key.maxLength as number;

/** The bytes a key of Keyward's (or an imported key of the usual alphabets) is made of: A–Z, a–z, 0–9, `_`, `-`. */
const KEY_BYTE = new Uint8Array(256);
for (const range of ['AZ', 'az', '09', '__', '--'])
  for (let byte = range.charCodeAt(0); byte <= range.charCodeAt(1); byte++) KEY_BYTE[byte] = 1;

/**
 * The usual verify body, exactly `{"key":"…"}` with a key of 1 to 512 key bytes, read from the
 * bytes without JSON.parse, the `__proto__` scans or the schema check (590 → 200 ns a body in a
 * loop, issue 27); any other body, however valid, is undefined here and goes to `verifyBodyOf`.
 * With nothing in the key to unescape, and no other member, it is the very body JSON.parse and
 * the schema would make.
 */
export function keyOnlyBody(raw: Buffer): VerifyInput | undefined {
  const end = raw.length - 2;
  const open = KEY_ONLY_OPEN.length;
  if (end <= open || end - open > KEY_MAX || raw[end] !== 0x22 || raw[end + 1] !== 0x7d) return undefined;
  for (let i = 0; i < open; i++) if (raw[i] !== KEY_ONLY_OPEN[i]) return undefined;
  for (let i = open; i < end; i++) if (KEY_BYTE[raw[i] as number] === 0) return undefined;
  return { key: raw.toString('latin1', open, end) };
}

/** Not a verify body the fast path may answer: left to Fastify's parser and schema. */
export function verifyBodyOf(text: string): VerifyInput | undefined {
  // secure-json-parse (Fastify's) refuses these; JSON.parse would not.
  if (text.includes('__proto__') || text.includes('constructor')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isVerifyBody(body) ? body : undefined;
}

export function send(response: ServerResponse, reply: VerifyReply, requestId: string): void {
  const headers = [
    'content-type',
    reply.contentType,
    'content-length',
    String(Buffer.byteLength(reply.body)),
    'x-request-id',
    requestId,
  ];
  if (reply.retryAfter !== undefined) headers.push('retry-after', reply.retryAfter);
  response.writeHead(reply.status, headers);
  response.end(reply.body);
}

export function verifyFastPath(deps: VerifyFastPathDeps): RequestTaker {
  const { replies } = deps;

  const answer = (request: IncomingMessage, response: ServerResponse, raw: Buffer, started: number): void => {
    const input = keyOnlyBody(raw) ?? verifyBodyOf(raw.toString());
    if (input === undefined) {
      deps.replay(request, response, raw);
      return;
    }
    const requestId = deps.requestId(request);
    const ip = deps.ipOf(request);
    let result: VerifyResult | Promise<VerifyResult>;
    try {
      result = deps.verify(input, ip);
    } catch (error) {
      send(response, replies.failed(error, requestId, performance.now() - started), requestId);
      return;
    }
    if (!(result instanceof Promise)) {
      send(response, replies.settled(result, ip, requestId, performance.now() - started), requestId);
      return;
    }
    result.then(
      (settled) => send(response, replies.settled(settled, ip, requestId, performance.now() - started), requestId),
      (error: unknown) => send(response, replies.failed(error, requestId, performance.now() - started), requestId),
    );
  };

  return (request, response) => {
    if (!takesHeaders(request, deps.bodyLimit)) return false;
    const started = performance.now();
    let first: Buffer | undefined;
    let rest: Buffer[] | undefined;
    request.on('data', (chunk: Buffer) => {
      if (first === undefined) first = chunk;
      else (rest ??= []).push(chunk);
    });
    request.on('end', () => {
      const raw = first === undefined ? Buffer.alloc(0) : rest === undefined ? first : Buffer.concat([first, ...rest]);
      answer(request, response, raw, started);
    });
    // A caller gone mid-body: nothing to answer, and the socket is closed by Node.
    request.on('error', () => undefined);
    return true;
  };
}
