/** ProjectionExpression (and AttributesToGet): the document paths a read returns. */
import type { AttributeValue, Item } from './attribute-value.js';
import { cloneValue } from './attribute-value.js';
import { getPath, type Path, pathClash } from './document-path.js';
import { type ErrorSlot, ExpressionParser } from './lexer.js';
import type { ExpressionScope } from './scope.js';

export interface Projection {
  readonly paths: readonly Path[];
}

const ERROR_ORDER: readonly ErrorSlot[] = ['reserved', 'placeholder', 'overlap', 'conflict'];

class ProjectionParser extends ExpressionParser {
  constructor(text: string, scope: ExpressionScope) {
    super(text, 'ProjectionExpression', scope, []);
  }

  parse(): Projection {
    const paths = [this.parsePath()];
    while (this.isSymbol(',')) {
      this.next();
      paths.push(this.parsePath());
    }
    this.expectEnd();
    const clash = pathClash(paths);
    if (clash.overlap !== undefined) this.record('overlap', clash.overlap);
    if (clash.conflict !== undefined) this.record('conflict', clash.conflict);
    this.throwRecorded(ERROR_ORDER);
    return { paths };
  }
}

export function parseProjection(expression: string, scope: ExpressionScope): Projection {
  return new ProjectionParser(expression, scope).parse();
}

export function projectionFromAttributesToGet(names: readonly string[]): Projection {
  return { paths: names.map((name) => [name]) };
}

/** A container being rebuilt: lists are sparse until compacted, keeping ascending index order. */
type Draft = { M: Record<string, Draft | AttributeValue> } | { L: (Draft | AttributeValue)[] };

function isDraft(value: Draft | AttributeValue): value is Draft {
  return drafts.has(value as object);
}

const drafts = new WeakSet<object>();

function newDraft(list: boolean): Draft {
  const draft: Draft = list ? { L: [] } : { M: {} };
  drafts.add(draft);
  return draft;
}

function finish(value: Draft | AttributeValue): AttributeValue {
  if (!isDraft(value)) return value;
  const draft: Draft = value;
  if ('L' in draft) return { L: draft.L.filter((v) => v !== undefined).map(finish) };
  const out: Record<string, AttributeValue> = {};
  for (const [key, v] of Object.entries(draft.M)) out[key] = finish(v);
  return { M: out };
}

/** The item with only the projected paths (nested list elements compacted in index order). */
export function project(item: Item, projection: Projection): Item {
  const root = newDraft(false) as { M: Record<string, Draft | AttributeValue> };
  for (const path of projection.paths) {
    const value = getPath(item, path);
    if (value === undefined) continue;
    let container: Draft = root;
    path.forEach((step, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = typeof path[i + 1] === 'number';
      const slot = container as { M?: Record<string, Draft | AttributeValue>; L?: (Draft | AttributeValue)[] };
      const holder = (typeof step === 'number' ? slot.L : slot.M) as Record<string | number, Draft | AttributeValue>;
      if (last) {
        holder[step] = cloneValue(value);
      } else {
        const existing = holder[step];
        const child = existing !== undefined && isDraft(existing) ? existing : newDraft(nextIsIndex);
        holder[step] = child;
        container = child;
      }
    });
  }
  const out: Item = {};
  for (const [name, value] of Object.entries(root.M)) out[name] = finish(value);
  return out;
}
