/** Sets of items by key (resources by the instance they are attached to, instances by fleet); a key with none has no entry. */
export class Groups<T> {
  private readonly sets = new Map<string, Set<T>>();

  of(key: string): ReadonlySet<T> | undefined {
    return this.sets.get(key);
  }

  add(key: string, item: T): void {
    const set = this.sets.get(key) ?? new Set();
    set.add(item);
    this.sets.set(key, set);
  }

  delete(key: string, item: T): void {
    const set = this.sets.get(key);
    set?.delete(item);
    if (set?.size === 0) this.sets.delete(key);
  }

  /** Removes the key's whole set. */
  clear(key: string): void {
    this.sets.delete(key);
  }
}
