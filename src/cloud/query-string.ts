/**
 * Raw query strings as AWS clients send them. Not URLSearchParams: a value-less parameter
 * (`?uploads`) must stay distinguishable from an empty one (`?uploads=`) for S3's SigV2
 * canonical resource, and a malformed escape keeps its raw text instead of throwing.
 */

/** `a=1&b&c=` -> [['a', '1'], ['b', undefined], ['c', '']], names and values percent-decoded ('+' is a space). */
export function parseQueryString(rawQuery: string): [string, string | undefined][] {
  if (!rawQuery) return [];
  return rawQuery.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0
      ? [decodeQueryPart(pair), undefined]
      : [decodeQueryPart(pair.slice(0, eq)), decodeQueryPart(pair.slice(eq + 1))];
  });
}

function decodeQueryPart(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, '%20'));
  } catch {
    return text;
  }
}
