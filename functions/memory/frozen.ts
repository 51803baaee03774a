/**
 * Immutable copies of plain data for the in-memory stores: a value is copied and frozen once, when
 * it is written, so that every read can hand out the stored value itself. Fields set to undefined
 * are left out, as the DynamoDB adapters leave them out of their items.
 */
export function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    const items: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) items[i] = frozenCopy(value[i]);
    return Object.freeze(items) as T;
  }
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    const field = value[key];
    if (field !== undefined) copy[key] = frozenCopy(field);
  }
  return Object.freeze(copy) as T;
}
