/**
 * A fixture makes one route's request real: `prepare` creates what the request names in the
 * home tenant and returns the request (path with real ids, query, body) and what the route needs.
 * The matrix sends it as each case's caller, then once as a caller that may, which must succeed.
 */
import type { CaseName, Expectation, StateCase } from './cases.js';
import type { Withheld, World } from './world.js';

export interface Prepared extends Withheld {
  /** Path and query, with the ids of what `prepare` made. */
  readonly url: string;
  readonly body?: unknown;
  /** Per case the route lets through, ids its answer must not name (another tenant's, or what it cannot discover). */
  readonly hidden?: Partial<Record<CaseName, readonly string[]>>;
  /** The key whose request must succeed (default: the home tenant's admin key). */
  readonly controlKey?: string;
}

export interface Fixture {
  /**
   * Where the credential goes: the bearer header (management calls, the default), the body's `key`
   * (verify), or nowhere (`none`: a route that takes no key, such as a leaked-key report, where
   * each case's key is sent as a bearer it must ignore).
   */
  readonly credential?: 'bearer' | 'body' | 'none';
  prepare(world: World): Promise<Prepared>;
  /** A POST that changes nothing (a signature check): its control is not held to moving the change mark. */
  readonly changesNothing?: true;
  /** The cases this route answers otherwise than the default, each with its reason. */
  readonly answers?: Partial<Record<CaseName, Expectation>>;
  /**
   * For a route a key may call on itself or its own user (`orSelfParam`, `orOwnUserParam`): the
   * request naming the caller's own key and user. The state cases then run again on it, since
   * "itself" is the way past the route's permission.
   */
  readonly self?: (own: { readonly keyId: string; readonly userId: string }) => {
    readonly url: string;
    readonly body?: unknown;
  };
  /** The state cases this route answers otherwise on the caller itself, each with its reason. */
  readonly selfAnswers?: Partial<Record<StateCase, Expectation>>;
}

/**
 * The documented exemption: a route anyone may call with no key at all (the SSO sign-in's steps,
 * where the person, not a key, is who signs in), so no case has a key to differ by. The matrix
 * holds it to `requires: {public: true}` and to the test file that covers its refusals.
 */
export interface PublicRoute {
  readonly public: {
    /** Why no key is asked. */
    readonly why: string;
    /** The test file (from the repository root) that covers who it refuses and how. */
    readonly coveredBy: string;
  };
}

/** Fixtures by route, `METHOD /v1/path` with Fastify's `:param` syntax. */
export type Fixtures = Readonly<Record<string, Fixture | PublicRoute>>;
