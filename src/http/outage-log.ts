/**
 * Says an outage once (issue 28): while storage is away every verify that needs it, every
 * change-log poll and every usage flush fails, and one error line each would bury the log (one a
 * second per node from the poll alone). The first failure after the dependency last answered is
 * logged in full; the rest are counted by kind; when it answers again, one line says so with the
 * counts. Failures of another kind than the first still get their own first line, so no
 * different symptom is hidden.
 */

export interface OutageLog {
  /** Something of `kind` failed for want of the dependency: logged the first time, else counted. */
  failed(kind: string, error: unknown, message: string): void;
  /** The dependency answered (a probe, a read): ends the outage, logging what was counted. */
  answered(): void;
  /** Whether a failure was seen since the dependency last answered. */
  readonly away: boolean;
}

/** Where the lines go, at the levels the caller chose (a lost database: error; lost notifications: warn). */
export interface OutageLines {
  failure(details: Record<string, unknown>, message: string): void;
  recovery(details: Record<string, unknown>, message: string): void;
}

/** `subject` names the dependency in the recovery line ("storage answers again …"). */
export function outageLog(subject: string, log: OutageLines, now: () => number = Date.now): OutageLog {
  let since: number | null = null;
  /** Per kind: failures not logged since the outage began. */
  const suppressed = new Map<string, number>();
  return {
    failed(kind, error, message) {
      if (since === null) since = now();
      const count = suppressed.get(kind);
      if (count === undefined) {
        suppressed.set(kind, 0);
        log.failure(
          { err: error, failing: kind },
          `${message} (repeats are counted, not logged, until ${subject} is back)`,
        );
      } else suppressed.set(kind, count + 1);
    },
    answered() {
      if (since === null) return;
      const repeats = Object.fromEntries(suppressed);
      log.recovery({ outageMs: now() - since, suppressedRepeats: repeats }, `${subject} answers again`);
      since = null;
      suppressed.clear();
    },
    get away() {
      return since !== null;
    },
  };
}
