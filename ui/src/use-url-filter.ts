/**
 * A page's filter kept in the URL's hash (`#/area?…`): read from it once when the page opens, and
 * written back as it changes, without a history entry per keystroke, so a reload, Back or a shared
 * link shows the same list. Typed text reaches the filter after a pause: one request per word.
 */
import { useEffect, useState } from 'react';
import { href, useRoute } from './use-route';

/** How long typing must pause before a search is sent. */
export const TYPING_PAUSE_MS = 250;

export function useUrlFilter<F>(
  area: string,
  parse: (params: URLSearchParams) => F,
  toParams: (filter: F) => URLSearchParams,
): [F, (change: (current: F) => F) => void] {
  const route = useRoute();
  const [filter, setFilter] = useState<F>(() => parse(route.params));
  useEffect(() => {
    const query = toParams(filter).toString();
    window.history.replaceState(null, '', `${href(area)}${query === '' ? '' : `?${query}`}`);
  }, [area, filter, toParams]);
  return [filter, setFilter];
}

/** Text as typed, handed to `apply` once typing pauses. */
export function useTyped(initial: string, apply: (text: string) => void): [string, (text: string) => void] {
  const [typed, setTyped] = useState(initial);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `apply` is a new function each render; the text decides
  useEffect(() => {
    const pause = setTimeout(() => apply(typed), TYPING_PAUSE_MS);
    return () => clearTimeout(pause);
  }, [typed]);
  return [typed, setTyped];
}
