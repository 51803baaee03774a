/**
 * Immutable copies of plain data for the in-memory stores: a value is copied and frozen once, when
 * it is written, so that every read can hand out the stored value itself. Fields set to undefined
 * are left out, as the DynamoDB adapters leave them out of their items.
 */
export function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const copy = Array.isArray(value)
    ? value.map((item: unknown) => frozenCopy(item))
    : Object.fromEntries(Object.entries(value).flatMap(([key, field]: [string, unknown]) => (field === undefined ? [] : [[key, frozenCopy(field)]])));
  return Object.freeze(copy) as T;
}
