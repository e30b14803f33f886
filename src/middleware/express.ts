/**
 * Keyward verify for Express (`keyward/express`), and anything with Node's `(req, res, next)`
 * (Connect, Polka): lets a request through only with a VALID key, attaching the answer as
 * `req.keyward`; refusals are written as problem+json; a request Keyward rejects as malformed
 * goes to `next(error)`.
 *
 * ```ts
 * app.get('/run', keywardExpress(verifier, { permission: 'functions.execute' }), (req, res) => res.json({ keyId: req.keyward?.keyId }));
 * ```
 *
 * Imports nothing of Express: the request and response are typed structurally, and Express's
 * `Request` learns `keyward` by declaration merging (below), as `@types/express` invites.
 */
import type { Verifier, VerifyAnswer } from '../client/index.js';
import { createGuard, firstHeader, PROBLEM_CONTENT_TYPE, type KeywardMiddlewareOptions } from './core.js';

export { KeywardConfigError } from './core.js';
export type { KeywardLogger, KeywardMiddlewareOptions, ProblemBody } from './core.js';
export type { Verifier, VerifyAnswer } from '../client/index.js';

declare global {
  // Express's own way in: @types/express-serve-static-core's Request extends this global interface.
  namespace Express {
    interface Request {
      /** The VALID verify answer (who is calling included), set by the Keyward middleware on the routes it guards. */
      keyward?: VerifyAnswer;
    }
  }
}

/** What the middleware reads of an Express (or Node) request. */
export interface ExpressLikeRequest {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Express's `req.ip` (honours `trust proxy`). */
  readonly ip?: string | undefined;
  readonly socket?: { readonly remoteAddress?: string | undefined } | undefined;
  /** The route's parameters (`/functions/:name`), for a `resource` read from the path. */
  readonly params?: Readonly<Record<string, string | undefined>>;
  /** Set on a VALID key. */
  keyward?: VerifyAnswer;
}

/** What the middleware writes of an Express (or Node) response. */
export interface ExpressLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

export type ExpressLikeNext = (error?: unknown) => void;

/** Resolves once it has answered or called `next`; never rejects. */
export interface KeywardExpressMiddleware {
  (req: ExpressLikeRequest, res: ExpressLikeResponse, next: ExpressLikeNext): Promise<void>;
  /** Resolves once the options' names are checked against Keyward's model; rejects naming a typo (await it at start). */
  readonly ready: Promise<void>;
}

export function keywardExpress(
  verifier: Verifier,
  options: KeywardMiddlewareOptions<ExpressLikeRequest> = {},
): KeywardExpressMiddleware {
  const guard = createGuard<ExpressLikeRequest>(verifier, options, {
    header: (req, name) => firstHeader(req.headers[name]),
    ip: (req) => req.ip ?? req.socket?.remoteAddress,
  });
  const keywardMiddleware = async (
    req: ExpressLikeRequest,
    res: ExpressLikeResponse,
    next: ExpressLikeNext,
  ): Promise<void> => {
    const decision = await guard(req);
    if (decision.kind === 'allow') {
      req.keyward = decision.answer;
      next();
      return;
    }
    if (decision.kind === 'error') {
      next(decision.error);
      return;
    }
    res.statusCode = decision.status;
    for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
    res.setHeader('content-type', PROBLEM_CONTENT_TYPE);
    res.end(JSON.stringify(decision.body));
  };
  return Object.assign(keywardMiddleware, { ready: guard.ready });
}
