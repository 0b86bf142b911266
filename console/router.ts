/**
 * Hash routing: every view has a URL (`#/lambda/my-function/invocations`), so links can be shared
 * and bookmarked and back/forward work, and the server serves one page for all of them.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** Decoded path segments: `#/lambda/fn` -> ['lambda', 'fn']. */
  parts: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

/** A link target from path segments (each encoded) and an optional query. */
export function href(...parts: (string | Record<string, string>)[]): string {
  const query = parts.find((p): p is Record<string, string> => typeof p === 'object');
  const path = parts.filter((p): p is string => typeof p === 'string').map(encodeURIComponent);
  const search = query ? `?${new URLSearchParams(query)}` : '';
  return `#/${path.join('/')}${search}`;
}

export function navigate(target: string): void {
  location.hash = target.replace(/^#/, '');
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
