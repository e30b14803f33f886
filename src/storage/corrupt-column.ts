/**
 * A stored value its column cannot hold (column-codec.ts throws it), apart from the codec so that
 * a caller that only tells this fault apart from others (verify answers it 500, not 503 as for
 * storage that does not answer) imports the error, not the decoding.
 */

/** A stored value its column cannot hold: a bug or a hand-edited row, never a user's input. */
export class CorruptColumnError extends Error {
  override readonly name = 'CorruptColumnError';
  constructor(
    readonly column: string,
    readonly reason: string,
    /** The id of the object being read when it failed (`readingRow`), so a log can say which row to repair. */
    readonly rowId: string | null = null,
  ) {
    super(`stored ${column} is not readable: ${reason}`);
  }
}

/** Runs `read` over the object `rowId`: a column it cannot read is said with that id. */
export function readingRow<T>(rowId: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CorruptColumnError && error.rowId === null)
      throw new CorruptColumnError(error.column, error.reason, rowId);
    throw error;
  }
}
