/** What route plugins are given: the services' dependencies and the verify path. */
import type { ServiceDeps } from '../../modules/deps.js';
import type { Authenticator } from '../../verify/authenticate.js';

export interface RouteContext {
  readonly deps: ServiceDeps;
  readonly authenticator: Authenticator;
  readonly clientCacheTtlMs: number;
}

export const PROBLEM_RESPONSES = {
  '4xx': { $ref: 'Problem#' },
  '5xx': { $ref: 'Problem#' },
} as const;
