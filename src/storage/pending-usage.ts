/** This node's key usage not yet in storage, as services read it (kept by src/verify/usage-recorder.ts). */
export interface PendingLastUse {
  readonly at: number;
  readonly ip: string | null;
}

/** This node's usage not yet in storage, as the recorder keeps it. */
export interface PendingUsage {
  /** The latest pending use of the key, a flush in progress included. */
  lastUse(keyId: string): PendingLastUse | undefined;
  /**
   * Runs `read` while no flush runs or starts: stored rows read inside it plus
   * `forEachPendingDay` called inside it count every verify exactly once.
   */
  readConsistently<T>(read: () => Promise<T>): Promise<T>;
  /** Visits the key's pending counts (UTC day, code, count); call it inside `readConsistently`. */
  forEachPendingDay(keyId: string, visit: (day: string, code: string, count: number) => void): void;
}
