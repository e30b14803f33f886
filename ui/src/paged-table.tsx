/**
 * A paged list as a table (keys, audit events): the load's failure above it; under it, that it
 * is loading, that it is empty (once loaded, and not failed), and More for the next page.
 */
import type { ReactNode } from 'react';
import { ErrorText } from './problem-text';
import type { PagedList } from './use-paged-list';

export interface PagedTableProps {
  readonly list: PagedList<unknown>;
  /** The header cells, in order; a column without a visible name still needs one for screen readers. */
  readonly columns: readonly ReactNode[];
  readonly empty: string;
  /** The rows, one <tr> per item. */
  readonly children: ReactNode;
}

export function PagedTable({ list, columns, empty, children }: PagedTableProps) {
  return (
    <>
      <ErrorText error={list.error} />
      <table>
        <thead>
          <tr>
            {columns.map((column, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a table's columns are fixed; their position is their identity
              <th key={index} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
      <ListFooter list={list} empty={empty} />
    </>
  );
}

export function ListFooter({ list, empty }: { list: PagedList<unknown>; empty: string }) {
  return (
    <>
      {list.loading && <p role="status">Loading…</p>}
      {!list.loading && list.items.length === 0 && list.error === null && <p>{empty}</p>}
      {list.hasMore && (
        <button type="button" className="secondary" onClick={list.more} disabled={list.loading}>
          More
        </button>
      )}
    </>
  );
}
