/** How the client reports a refused call: the problem Keyward sent, or `UNREACHABLE` when none came. */
import type { ErrorCode } from '../api/errors.js';

/** An RFC 9457 problem as Keyward sends it. */
export interface KeywardProblem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  /** One of the shared table's codes (src/api/errors.ts), or `UNREACHABLE` when no answer came. */
  readonly code?: ErrorCode | 'UNREACHABLE' | (string & {});
  readonly requestId?: string;
  readonly field?: string;
  readonly [member: string]: unknown;
}

/** A management call Keyward refused (4xx/5xx), or one that got no answer (`httpStatus` 0). */
export class KeywardApiError extends Error {
  override readonly name = 'KeywardApiError';
  constructor(
    readonly httpStatus: number,
    readonly problem: KeywardProblem,
  ) {
    super(`${problem.code ?? `HTTP ${httpStatus}`}: ${problem.detail ?? problem.title ?? 'no detail'}`);
  }
}
