/**
 * Which legs make one call. Legs name each other (`Other-Leg-Unique-ID`, `originating_leg_uuid`,
 * `signal_bond`, `bridge_uuid`, the loopback pair's `other_loopback_*`); `Channel-Call-UUID` is
 * not used, since FreeSWITCH changes it on the B-leg at hangup. Everything connected by such a
 * name is one call.
 */
import type { LegSummary } from "./leg.ts";

/** Disjoint sets of leg ids (union by size, path halving). */
export class LegSets {
  #parent = new Map<string, string>();
  #size = new Map<string, number>();

  /** True when `id` is in some set. */
  has(id: string): boolean {
    return this.#parent.has(id);
  }

  /** The representative of `id`'s set (adds `id` alone if new). */
  find(id: string): string {
    if (!this.#parent.has(id)) {
      this.#parent.set(id, id);
      this.#size.set(id, 1);
      return id;
    }
    let at = id;
    for (;;) {
      const up = this.#parent.get(at)!;
      if (up === at) return at;
      const grand = this.#parent.get(up)!;
      this.#parent.set(at, grand);
      at = grand;
    }
  }

  /** Joins the sets of `a` and `b`; returns the new representative. */
  union(a: string, b: string): string {
    let x = this.find(a);
    let y = this.find(b);
    if (x === y) return x;
    if (this.#size.get(x)! < this.#size.get(y)!) [x, y] = [y, x];
    this.#parent.set(y, x);
    this.#size.set(x, this.#size.get(x)! + this.#size.get(y)!);
    this.#size.delete(y);
    return x;
  }

  /** Forgets ids (all of one set, or the structure is corrupted: the tracker drops whole calls). */
  delete(ids: Iterable<string>): void {
    for (const id of ids) {
      this.#parent.delete(id);
      this.#size.delete(id);
    }
  }
}

/** A call's legs, and the legs they name that are not among them (yet). */
export interface LegGroup {
  legs: LegSummary[];
  missing: string[];
}

/** Groups legs into calls, each call's legs in input order; groups in order of first leg. */
export function groupLegs(legs: LegSummary[]): LegGroup[] {
  const sets = new LegSets();
  for (const leg of legs) {
    sets.find(leg.uuid);
    for (const other of leg.links) sets.union(leg.uuid, other);
  }
  const groups = new Map<string, LegSummary[]>();
  for (const leg of legs) {
    const key = sets.find(leg.uuid);
    groups.set(key, [...(groups.get(key) ?? []), leg]);
  }
  return [...groups.values()].map((members) => {
    const ids = new Set(members.map((leg) => leg.uuid));
    const missing = [...new Set(members.flatMap((leg) => leg.links))].filter((id) => !ids.has(id));
    return { legs: members, missing: missing.sort() };
  });
}
