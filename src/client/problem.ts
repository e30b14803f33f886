/** The problem details both halves of the client read from a failed call. */
/** An RFC 9457 problem as Keyward sends it. */
export interface KeywardProblem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code?: string;
  readonly requestId?: string;
  readonly field?: string;
  readonly [member: string]: unknown;
}
