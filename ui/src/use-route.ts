/**
 * The page shown comes from the URL's hash (`#/keys/key_…`), so Back, reload and a shared link
 * land where they should, with no server routes to add. Nothing secret ever goes in it.
 */
import { useEffect, useState } from 'react';

export interface Route {
  /** Path segments after `#/`, e.g. ['keys', 'key_…']. */
  readonly parts: readonly string[];
  readonly params: URLSearchParams;
}

function current(): Route {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?');
  return {
    parts: path
      .split('/')
      .filter((part) => part !== '')
      .map(decodeURIComponent),
    params: new URLSearchParams(search),
  };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const changed = () => setRoute(current());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

export function go(...parts: string[]): void {
  window.location.hash = href(...parts);
}
