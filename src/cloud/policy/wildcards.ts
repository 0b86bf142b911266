/**
 * IAM's wildcard matching: `*` is any run of characters (including none), `?` exactly one, every
 * other character literal. Actions compare case-insensitively, resources and condition values as
 * the operator says. Compiled patterns are cached: policies repeat the same few patterns.
 */

const compiled = new Map<string, RegExp>();
const CACHE_LIMIT = 2048;

function compile(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = compiled.get(key);
  if (!regex) {
    const source = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    compiled.set(key, regex);
  }
  return regex;
}

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return compile(pattern, ignoreCase).test(value);
}

/**
 * ArnLike/ArnEquals: both ARNs split into their six colon-delimited parts (the last keeps any
 * further colons) and each part matched with wildcards, so `*` in the region never eats the
 * account. A pattern or value that is not a six-part ARN is matched as a whole string.
 */
export function arnMatch(pattern: string, value: string): boolean {
  const patternParts = splitArn(pattern);
  const valueParts = splitArn(value);
  if (!patternParts || !valueParts) return wildcardMatch(pattern, value);
  return patternParts.every((part, i) => wildcardMatch(part, valueParts[i] as string));
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
