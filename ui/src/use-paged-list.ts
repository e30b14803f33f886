/**
 * A cursor-paged list (keys, audit events): the first page loads when `fetchPage` changes (a
 * new filter starts over), `more()` appends the next one, `reload()` starts over in place.
 * `fetchPage` should be memoised, or every render would load the first page again.
 */
import { useCallback, useEffect, useState } from 'react';
import type { PageOf } from './api';
import { useAction } from './use-action';

export interface PagedList<T> {
  readonly items: readonly T[];
  /** True from the first render, so an empty list is not announced before it has loaded. */
  readonly loading: boolean;
  readonly error: unknown;
  readonly hasMore: boolean;
  more(): void;
  reload(): void;
  /** Swaps in a changed item (same id) where it stands, without reloading. */
  replace(item: T): void;
}

export function usePagedList<T extends { readonly id: string }>(
  fetchPage: (cursor: string | null) => Promise<PageOf<T>>,
): PagedList<T> {
  const [items, setItems] = useState<readonly T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const { busy: loading, error, run } = useAction(true);

  const load = useCallback(
    (from: string | null) =>
      run(async () => {
        const page = await fetchPage(from);
        setItems((current) => (from === null ? page.items : [...current, ...page.items]));
        setCursor(page.nextCursor);
      }),
    [run, fetchPage],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  return {
    items,
    loading,
    error,
    hasMore: cursor !== null,
    more: () => void load(cursor),
    reload: () => void load(null),
    replace: (item) => setItems((current) => current.map((candidate) => (candidate.id === item.id ? item : candidate))),
  };
}
