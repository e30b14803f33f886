/**
 * Data a page loads on mount (and again when `load` changes): the value, the failure, and
 * `reload()`. `load` should be memoised, or every render would load again.
 */
import { useCallback, useEffect, useState } from 'react';
import { useAction } from './use-action';

export interface Loaded<T> {
  readonly data: T | null;
  readonly loading: boolean;
  readonly error: unknown;
  reload(): void;
  /** Replaces the value in place (after a change the page made itself). */
  set(value: T): void;
}

export function useLoad<T>(load: () => Promise<T>): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const { busy, error, run } = useAction(true);
  const fetch = useCallback(() => run(async () => setData(await load())), [run, load]);
  useEffect(() => {
    void fetch();
  }, [fetch]);
  return { data, loading: busy, error, reload: () => void fetch(), set: setData };
}
