/**
 * The error-code table, each code with its HTTP status and title, and the problem `type` it is
 * sent with: read by the server's one problem mapping (http/problem.ts), the middlewares (for its
 * types: they run nothing of the server) and the console. It is defined in src/core, whose
 * `Result` values carry the codes and which may import nothing back; this is its door for the
 * rest. `docs/errors.md` is checked against it.
 */
import { ERROR_CODES, type ErrorCode } from '../core/error-codes.js';

export { ERROR_CODES, type ErrorCode };

/** The RFC 9457 `type` of a problem with this code (`urn:keyward:problem:not_found`). */
export function problemType(code: ErrorCode): string {
  return `urn:keyward:problem:${code.toLowerCase()}`;
}
