/**
 * Applies a parsed update to an item, as DynamoDB does: every SET value is computed from the item
 * as it was before the update; list elements removed by index are removed together (indexes
 * refer to the original list); SET past a list's end appends; ADD and DELETE work on numbers and
 * sets. Runtime type errors use the service's texts.
 */
import {
  type AttributeValue,
  cloneItem,
  cloneValue,
  type Item,
  isSetType,
  makeSet,
  setMembers,
  typeOf,
} from './attribute-value.js';
import { setHas } from './compare.js';
import { getPath, type Path } from './document-path.js';
import { MESSAGES, validationError } from './errors.js';
import { addNumbers, subtractNumbers } from './numbers.js';
import type { Update, UpdateValue } from './update.js';

function incorrectType(update: Update): Error {
  return validationError(update.legacy ? 'Type mismatch for attribute to update' : MESSAGES.incorrectDataType);
}

function compute(value: UpdateValue, item: Item): AttributeValue {
  switch (value.kind) {
    case 'value':
      return value.value;
    case 'path': {
      const found = getPath(item, value.path);
      if (found === undefined) throw validationError(MESSAGES.missingAttribute);
      return found;
    }
    case 'if_not_exists':
      return getPath(item, value.path) ?? compute(value.fallback, item);
    case 'list_append': {
      const left = compute(value.left, item);
      const right = compute(value.right, item);
      if (left.L === undefined || right.L === undefined) throw validationError(MESSAGES.incorrectDataType);
      return { L: [...left.L, ...right.L] };
    }
    default: {
      const left = compute(value.left, item);
      const right = compute(value.right, item);
      if (left.N === undefined || right.N === undefined) throw validationError(MESSAGES.incorrectDataType);
      return { N: value.kind === '+' ? addNumbers(left.N, right.N) : subtractNumbers(left.N, right.N) };
    }
  }
}

/** Where a path's last step lives: a map's key or a list's index. */
type Slot = { map: Record<string, AttributeValue>; key: string } | { list: AttributeValue[]; index: number };

function locate(item: Item, path: Path): Slot {
  const last = path[path.length - 1];
  const parent: AttributeValue | undefined = path.length === 1 ? { M: item } : getPath(item, path.slice(0, -1));
  if (typeof last === 'number' && parent?.L !== undefined) return { list: parent.L, index: last };
  if (typeof last === 'string' && parent?.M !== undefined) return { map: parent.M, key: last };
  throw validationError(MESSAGES.invalidDocumentPath);
}

/** List edits held back until every action ran, so indexes keep meaning the original list. */
class ListEdits {
  private readonly removals = new Map<AttributeValue[], Set<number>>();
  private readonly appends = new Map<AttributeValue[], Map<number, AttributeValue>>();

  remove(list: AttributeValue[], index: number): void {
    if (index >= list.length) return;
    const set = this.removals.get(list) ?? new Set<number>();
    set.add(index);
    this.removals.set(list, set);
  }

  append(list: AttributeValue[], index: number, value: AttributeValue): void {
    const pending = this.appends.get(list) ?? new Map<number, AttributeValue>();
    pending.set(index, value);
    this.appends.set(list, pending);
  }

  apply(): void {
    for (const [list, indexes] of this.removals) {
      const kept = list.filter((_, i) => !indexes.has(i));
      list.splice(0, list.length, ...kept);
    }
    for (const [list, pending] of this.appends) {
      const ordered = [...pending.entries()].sort(([a], [b]) => a - b).map(([, value]) => value);
      list.push(...ordered);
    }
  }
}

function read(slot: Slot): AttributeValue | undefined {
  if ('map' in slot) return Object.hasOwn(slot.map, slot.key) ? slot.map[slot.key] : undefined;
  return slot.list[slot.index];
}

function write(slot: Slot, value: AttributeValue, edits: ListEdits): void {
  if ('map' in slot) slot.map[slot.key] = value;
  else if (slot.index < slot.list.length) slot.list[slot.index] = value;
  else edits.append(slot.list, slot.index, value);
}

function erase(slot: Slot, edits: ListEdits): void {
  if ('map' in slot) delete slot.map[slot.key];
  else edits.remove(slot.list, slot.index);
}

function add(existing: AttributeValue | undefined, value: AttributeValue, update: Update): AttributeValue {
  if (existing === undefined) return cloneValue(value);
  if (existing.N !== undefined && value.N !== undefined) return { N: addNumbers(existing.N, value.N) };
  if (update.legacy && existing.L !== undefined && value.L !== undefined) return { L: [...existing.L, ...value.L] };
  const type = typeOf(existing);
  if (!isSetType(type) || type !== typeOf(value)) throw incorrectType(update);
  const added = (setMembers(value) ?? []).filter((member) => !setHas(existing, member));
  return makeSet(type, [...(setMembers(existing) ?? []), ...added]);
}

function remove(existing: AttributeValue, value: AttributeValue, update: Update): AttributeValue | undefined {
  const type = typeOf(existing);
  if (!isSetType(type) || type !== typeOf(value)) throw incorrectType(update);
  const kept = (setMembers(existing) ?? []).filter((member) => !setHas(value, member));
  return kept.length === 0 ? undefined : makeSet(type, kept);
}

/**
 * The item after `update` (a new object; `item` is left as it was). `keyNames` are the table's
 * key attributes, which an update may not touch.
 */
export function applyUpdate(update: Update, item: Item | undefined, keyNames: readonly string[]): Item {
  for (const action of update.actions) {
    const top = action.path[0];
    if (typeof top === 'string' && keyNames.includes(top)) throw validationError(MESSAGES.keyUpdate(top));
  }
  const before = item ?? {};
  const values = update.actions.map((action) => (action.action === 'SET' ? compute(action.value, before) : undefined));
  const after = cloneItem(before);
  const edits = new ListEdits();
  update.actions.forEach((action, i) => {
    const slot = locate(after, action.path);
    switch (action.action) {
      case 'SET':
        write(slot, cloneValue(values[i] as AttributeValue), edits);
        break;
      case 'REMOVE':
        erase(slot, edits);
        break;
      case 'ADD':
        write(slot, add(read(slot), action.value, update), edits);
        break;
      case 'DELETE': {
        const existing = read(slot);
        if (existing === undefined) break;
        const rest = remove(existing, action.value, update);
        if (rest === undefined) erase(slot, edits);
        else write(slot, rest, edits);
        break;
      }
    }
  });
  edits.apply();
  return after;
}
