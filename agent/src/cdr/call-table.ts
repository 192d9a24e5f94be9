/**
 * The calls the tracker follows, and which legs belong to which: a leg joins a call when an event
 * names it, and two calls named by each other become one. Bounded: past `maxCalls` the least
 * recently created call is given up (left to the CDR folder). Knows nothing of when a call ends.
 */
import type { WarnLogger } from "../log.ts";
import type { LegAccumulator } from "./from-esl.ts";
import { LegSets } from "./group.ts";
import type { CdrMetrics } from "./metrics.ts";

/** One open call: its legs seen so far and the legs they name. */
export interface OpenCall {
  legs: Map<string, LegAccumulator>;
  named: Set<string>;
  lastMs: number;
  linger: ReturnType<typeof setTimeout> | null;
  /** Finished, given up or merged into another call. */
  gone: boolean;
}

/** What the table needs. */
export interface CallTableOptions {
  maxCalls: number;
  now: () => number;
  metrics: Pick<CdrMetrics, "openCalls" | "expired">;
  warn: WarnLogger;
}

/** The open calls, by representative leg id. */
export interface CallTable {
  /** The call `uuid` belongs to, opened (and counted) when new; with its current key. */
  callOf(uuid: string): [string, OpenCall];
  /** Notes that leg `a` names leg `b`: `b` is waited for, and their calls become one. */
  join(a: string, b: string): void;
  /** Forgets a call and its legs; stops its linger timer. */
  drop(key: string, call: OpenCall): void;
  /** The key a call's legs are under now (it changes when calls merge). */
  keyOf(call: OpenCall): string;
  /** The call `uuid` is in, if one is open; never opens one. */
  existing(uuid: string): [string, OpenCall] | null;
  /** Every open call, oldest first (a snapshot: dropping while iterating is fine). */
  entries(): Array<[string, OpenCall]>;
  readonly size: number;
}

/** Creates an empty table. */
export function createCallTable(options: CallTableOptions): CallTable {
  const sets = new LegSets();
  const calls = new Map<string, OpenCall>(); // by representative leg id, oldest first
  const gauge = () => options.metrics.openCalls.set(calls.size);

  function drop(key: string, call: OpenCall): void {
    call.gone = true;
    if (call.linger) clearTimeout(call.linger);
    calls.delete(key);
    sets.delete([...call.legs.keys(), ...call.named]);
    gauge();
  }

  function makeRoom(): void {
    if (calls.size < options.maxCalls) return;
    const [oldKey, oldCall] = calls.entries().next().value!;
    drop(oldKey, oldCall);
    options.metrics.expired.inc({ reason: "overflow" });
    options.warn(
      "careflow-agent: warning: too many open calls; the oldest is left to the CDR folder",
    );
  }

  function callOf(uuid: string): [string, OpenCall] {
    const key = sets.find(uuid);
    let call = calls.get(key);
    if (!call) {
      makeRoom();
      call = {
        legs: new Map(),
        named: new Set(),
        lastMs: options.now(),
        linger: null,
        gone: false,
      };
      calls.set(key, call);
      gauge();
    }
    return [key, call];
  }

  function existing(uuid: string): [string, OpenCall] | null {
    if (!sets.has(uuid)) return null; // find() would add it, and nothing would remove it
    const key = sets.find(uuid);
    const call = calls.get(key);
    return call ? [key, call] : null;
  }

  function rekey(from: string, to: string, call: OpenCall): void {
    if (from === to) return;
    calls.delete(from);
    calls.set(to, call);
  }

  function join(a: string, b: string): void {
    const [keyA, callA] = callOf(a);
    callA.named.add(b);
    const found = existing(b);
    if (!found) {
      // `b` is only named so far: it joins `a`'s call without opening one of its own.
      rekey(keyA, sets.union(a, b), callA);
      return;
    }
    const [keyB, callB] = found;
    if (keyA === keyB) return;
    const key = sets.union(a, b);
    const [kept, gone, goneKey] = key === keyA ? [callA, callB, keyB] : [callB, callA, keyA];
    for (const [id, leg] of gone.legs) kept.legs.set(id, leg);
    for (const id of gone.named) kept.named.add(id);
    kept.lastMs = Math.max(kept.lastMs, gone.lastMs);
    if (gone.linger) clearTimeout(gone.linger);
    gone.gone = true;
    calls.delete(goneKey);
    calls.set(key, kept);
    gauge();
  }

  return {
    callOf,
    join,
    drop,
    keyOf: (call) => sets.find([...call.legs.keys(), ...call.named][0]),
    existing,
    entries: () => [...calls],
    get size() {
      return calls.size;
    },
  };
}
