/**
 * The client address of a Hono request, as Express's `req.ip` and Fastify's `request.ip` give it
 * for theirs. Hono has no such property: each runtime adapter passes its connection as the
 * context's `env` (its "bindings") in its own shape, which Hono's `getConnInfo` helpers read, one
 * import per runtime. This reads them all structurally, importing nothing of Hono.
 * Without an address the middleware sends no `clientIp`, and Keyward refuses a key with an IP
 * allowlist (it cannot tell where the user is): elsewhere, pass the `clientIp` option.
 */

type Bindings = Record<string, unknown>;

function bindingsOf(env: unknown): Bindings | undefined {
  return typeof env === 'object' && env !== null ? (env as Bindings) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** @hono/node-server: Node's request as `incoming` (under `server` when the app is mounted in another). */
function nodeServer(bindings: Bindings): string | undefined {
  const incoming = bindingsOf(bindings['incoming']);
  return text(bindingsOf(incoming?.['socket'])?.['remoteAddress']);
}

/** Bun.serve: the server as `env`, asked with `requestIP(request)`. */
function bun(bindings: Bindings, raw: unknown): string | undefined {
  const requestIP = bindings['requestIP'];
  if (typeof requestIP !== 'function' || raw === undefined) return undefined;
  return text(bindingsOf(requestIP.call(bindings, raw))?.['address']);
}

/** Deno.serve: the handler's info, with `remoteAddr`. */
function deno(bindings: Bindings): string | undefined {
  return text(bindingsOf(bindings['remoteAddr'])?.['hostname']);
}

/** AWS Lambda behind API Gateway: REST APIs (v1) and HTTP APIs and function URLs (v2). */
function lambda(bindings: Bindings): string | undefined {
  const context = bindingsOf(bindings['requestContext']);
  return text(bindingsOf(context?.['identity'])?.['sourceIp']) ?? text(bindingsOf(context?.['http'])?.['sourceIp']);
}

/**
 * Cloudflare Workers: the edge sets `CF-Connecting-IP` on every request it hands a Worker. Read
 * only there: on any other runtime a client could send the header itself.
 */
function cloudflareWorkers(header: (name: string) => string | undefined): string | undefined {
  const runtime = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent;
  return runtime === 'Cloudflare-Workers' ? text(header('cf-connecting-ip')) : undefined;
}

export interface HonoRequestLike {
  header(name: string): string | undefined;
  /** The web-standard Request (Bun's `requestIP` needs it). */
  readonly raw?: unknown;
}

/** The address the runtime saw the request come from, or undefined where it does not say. */
export function honoClientIp(env: unknown, req: HonoRequestLike): string | undefined {
  const bindings = bindingsOf(env);
  if (bindings !== undefined) {
    const server = bindingsOf(bindings['server']);
    for (const source of server === undefined ? [bindings] : [bindings, server]) {
      const address = nodeServer(source) ?? bun(source, req.raw) ?? deno(source) ?? lambda(source);
      if (address !== undefined) return address;
    }
  }
  return cloudflareWorkers((name) => req.header(name));
}
