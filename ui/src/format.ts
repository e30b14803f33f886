/** How times and lists read on the page. */
export function when(iso: string | null, empty = 'never'): string {
  if (iso === null) return empty;
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
