/**
 * The state around an async action the user starts (a submit, a button): `busy` while it runs,
 * so its control can refuse a second click, and the failure it ended with, for <ErrorText>.
 * A new run clears the last failure; a failure never escapes `run`, so callers may `void` it.
 */
import { useCallback, useState } from 'react';

export interface Action {
  readonly busy: boolean;
  readonly error: unknown;
  run(action: () => Promise<void>): Promise<void>;
  clearError(): void;
}

/** `startsBusy` for an action started on mount, so the first render already says so. */
export function useAction(startsBusy = false): Action {
  const [busy, setBusy] = useState(startsBusy);
  const [error, setError] = useState<unknown>(null);
  // Stable (setters only), so callers can list `run` in their own hooks' dependencies.
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { busy, error, run, clearError };
}
