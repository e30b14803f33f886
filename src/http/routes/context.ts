/** What route plugins are given: the services' dependencies and the verify path. */
import type { ServiceDeps } from '../../modules/deps.js';
import type { VerifyDeps } from '../../verify/verify.js';

export interface RouteContext {
  readonly deps: ServiceDeps;
  readonly verify: VerifyDeps;
}

export const PROBLEM_RESPONSES = {
  '4xx': { $ref: 'Problem#' },
  '5xx': { $ref: 'Problem#' },
} as const;
