/**
 * Keyward verify for Hono (`keyward/hono`): lets a request through only with a VALID key,
 * setting the answer as the context variable `keyward` (`c.get('keyward')`); refusals are
 * problem+json; a request Keyward rejects as malformed is thrown to Hono's `onError`.
 *
 * ```ts
 * app.use('/run', keywardHono(verifier, { permission: 'functions.execute' }));
 * ```
 *
 * Imports nothing of Hono: the context is typed structurally. To type `c.get('keyward')`,
 * declare `keyward: VerifyAnswer` in your app's `Variables` (or Hono's `ContextVariableMap`).
 */
import type { Verifier, VerifyAnswer } from '../client/index.js';
import { createGuard, PROBLEM_CONTENT_TYPE, type KeywardMiddlewareOptions } from './core.js';
import { honoClientIp, type HonoRequestLike } from './hono-client-ip.js';

export { KeywardConfigError } from './core.js';
export type { KeywardLogger, KeywardMiddlewareOptions, ProblemBody } from './core.js';
export type { Verifier, VerifyAnswer } from '../client/index.js';

/** What the middleware uses of a Hono context. */
export interface HonoLikeContext {
  readonly req: HonoRequestLike;
  /** The runtime's bindings, where the client address is (hono-client-ip.ts). */
  readonly env?: unknown;
  json(body: unknown, status: number, headers: Record<string, string>): Response;
  set(key: 'keyward', value: VerifyAnswer): void;
}

export type HonoLikeNext = () => Promise<void>;

export interface KeywardHonoMiddleware {
  (c: HonoLikeContext, next: HonoLikeNext): Promise<Response | undefined>;
  /** Resolves once the options' names are checked against Keyward's model; rejects naming a typo (await it at start). */
  readonly ready: Promise<void>;
}

export function keywardHono(
  verifier: Verifier,
  options: KeywardMiddlewareOptions<HonoLikeContext> = {},
): KeywardHonoMiddleware {
  const guard = createGuard<HonoLikeContext>(verifier, options, {
    header: (c, name) => c.req.header(name),
    // Node (@hono/node-server), Bun, Deno, AWS Lambda and Cloudflare Workers; elsewhere pass `clientIp`.
    ip: (c) => honoClientIp(c.env, c.req),
  });
  const keywardMiddleware = async (c: HonoLikeContext, next: HonoLikeNext): Promise<Response | undefined> => {
    const decision = await guard(c);
    if (decision.kind === 'allow') {
      c.set('keyward', decision.answer);
      await next();
      return undefined;
    }
    if (decision.kind === 'error') throw decision.error;
    return c.json(decision.body, decision.status, { ...decision.headers, 'Content-Type': PROBLEM_CONTENT_TYPE });
  };
  return Object.assign(keywardMiddleware, { ready: guard.ready });
}
