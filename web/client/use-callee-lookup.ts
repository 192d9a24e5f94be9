import { type ReadonlySignal, useSignal, useSignalEffect } from "@preact/signals";
import type { DialTarget } from "../../shared/dial-target.ts";
import type { Presence } from "../../shared/presence.ts";

export type Lookup =
  | { state: "idle" }
  | { state: "loading" }
  /** `online` and `presence` only when the person shows them (their privacy setting). */
  | { state: "found"; displayName: string; online?: boolean; presence?: Presence }
  | { state: "missing" }
  | { state: "error" };

const LOOKUP_DELAY_MS = 250;

/** Who a typed CareFlow ID belongs to, asked once the user pauses typing (debounced). */
export function useCalleeLookup(target: ReadonlySignal<DialTarget>): ReadonlySignal<Lookup> {
  const lookup = useSignal<Lookup>({ state: "idle" });
  useSignalEffect(() => {
    const current = target.value;
    if (current.kind !== "care4w") {
      lookup.value = { state: "idle" };
      return;
    }
    lookup.value = { state: "loading" };
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const query = new URLSearchParams({ care4wId: current.care4wId });
        const response = await fetch(`/api/users/lookup?${query}`, { signal: controller.signal });
        if (!response.ok) throw new Error(String(response.status));
        const body = await response.json();
        lookup.value = body.exists
          ? {
            state: "found",
            displayName: body.displayName,
            online: body.online,
            presence: body.presence,
          }
          : { state: "missing" };
      } catch {
        if (!controller.signal.aborted) lookup.value = { state: "error" };
      }
    }, LOOKUP_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  });
  return lookup;
}
