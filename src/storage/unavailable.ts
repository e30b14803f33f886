/**
 * Whether an error means the database could not be reached (as opposed to a query it refused):
 * a node that loses its database answers 503 for what needs it (SPEC §6), never a 500.
 */
import { CommitOutcomeUnknownError, StorageTimeoutError } from './bounded-postgres.js';

/**
 * Connection exceptions (class 08), an operator or crash shutdown (57P01–57P03), no free slot
 * (53300), and this node's own bounds as the server enforces them: a statement past
 * `statement_timeout` (57014), a session idle in its transaction past
 * `idle_in_transaction_session_timeout` (25P03).
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[1-3]|53300|57014|25P03)$/;
const UNAVAILABLE_SYSCALLS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// node-postgres reports a lost or never-made connection with these messages and no code.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|connection is closed|Cannot use a pool after calling end/i;

export function isStorageUnavailable(error: unknown): boolean {
  if (error instanceof StorageTimeoutError || error instanceof CommitOutcomeUnknownError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_SYSCALLS.has(code))) return true;
  // SQLite's file locked by another process past the driver's wait (sqlite-immediate.ts): nothing was written.
  if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/**
 * What a 503 tells the caller about its request. Only a COMMIT sent and not answered leaves a
 * write's outcome open; every other failure happened before anything could be committed, and the
 * server-side bounds see to it that nothing is committed later, so a retry is safe.
 */
export function unavailableDetail(error: unknown): string {
  if (error instanceof CommitOutcomeUnknownError) {
    return 'storage did not confirm the change: it may or may not have been made; read it back before retrying';
  }
  return 'storage does not answer; retry, or ask another node';
}
