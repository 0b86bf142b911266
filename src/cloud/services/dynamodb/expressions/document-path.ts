/** Document paths (a.b[2].c): attribute names and list indexes, resolved against items. */
import type { AttributeValue, Item } from './attribute-value.js';
import { MESSAGES } from './errors.js';

/** Names (strings) and list indexes (numbers), top-level attribute first. */
export type Path = readonly (string | number)[];

/** `[a, b, [2]]`, as DynamoDB prints paths in its messages. */
export function formatPath(path: Path): string {
  return `[${path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join(', ')}]`;
}

/** The value at `path`, or undefined when any step is missing or of the wrong type. */
export function getPath(item: Item | undefined, path: Path): AttributeValue | undefined {
  if (item === undefined) return undefined;
  const [head, ...rest] = path;
  if (typeof head !== 'string') return undefined;
  let current: AttributeValue | undefined = item[head];
  for (const step of rest) {
    if (current === undefined) return undefined;
    if (typeof step === 'number') current = current.L?.[step];
    else current = current.M !== undefined && Object.hasOwn(current.M, step) ? current.M[step] : undefined;
  }
  return current;
}

/**
 * The first overlap (one path a prefix of another) or conflict (a name where the other has an
 * index) among `paths`, as DynamoDB reports them for updates and projections.
 */
export function pathClash(paths: Path[]): { overlap?: string; conflict?: string } {
  let conflict: string | undefined;
  for (let i = 1; i < paths.length; i++) {
    const two = paths[i] as Path;
    for (const one of paths.slice(0, i)) {
      let diverged = false;
      for (let k = 0; k < one.length && k < two.length; k++) {
        if (typeof one[k] !== typeof two[k]) {
          conflict ??= MESSAGES.pathsConflict(formatPath(one), formatPath(two));
          diverged = true;
          break;
        }
        if (one[k] !== two[k]) {
          diverged = true;
          break;
        }
      }
      if (!diverged) return { overlap: MESSAGES.pathsOverlap(formatPath(one), formatPath(two)) };
    }
  }
  return conflict === undefined ? {} : { conflict };
}
