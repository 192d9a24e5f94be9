/**
 * A set that forgets: entries expire after `ttlMs`, and past `max` entries the oldest go first.
 * For "already finished" and "already appended" ids, which must not grow without end.
 */
export class BoundedSet {
  // Insertion order is age order: re-adding moves an id to the back.
  #expires = new Map<string, number>();

  constructor(private max: number, private ttlMs: number, private now: () => number) {}

  add(id: string): void {
    this.#expires.delete(id);
    this.#expires.set(id, this.now() + this.ttlMs);
    this.#trim();
  }

  has(id: string): boolean {
    const until = this.#expires.get(id);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.#expires.delete(id);
    return false;
  }

  get size(): number {
    this.#trim();
    return this.#expires.size;
  }

  #trim(): void {
    const now = this.now();
    for (const [id, until] of this.#expires) {
      if (this.#expires.size <= this.max && until > now) break;
      this.#expires.delete(id);
    }
  }
}
