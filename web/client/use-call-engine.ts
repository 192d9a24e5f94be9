import { type Signal, useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { freshToken, loadEngine } from "./call/load.ts";
import { type CallEngine, type CallSnapshot, IDLE } from "./call/types.ts";

/**
 * Starts this tab's phone: asks the server which calling mode applies, loads that engine's
 * chunk, and mirrors its state into a signal. The engine stops when the island unmounts.
 */
export function useCallEngine(): {
  call: Signal<CallSnapshot>;
  engine: { current: CallEngine | null };
} {
  const call = useSignal<CallSnapshot>(IDLE);
  const engine = useRef<CallEngine | null>(null);
  useEffect(() => {
    let stopped = false;
    let unsubscribe = () => {};
    (async () => {
      try {
        const loaded = await loadEngine(await freshToken());
        if (stopped) return;
        engine.current = loaded;
        unsubscribe = loaded.subscribe((snapshot) => (call.value = snapshot));
        loaded.start();
      } catch {
        call.value = { ...IDLE, problem: "Calling is unavailable right now. Reload to retry." };
      }
    })();
    const stop = () => engine.current?.stop();
    addEventListener("pagehide", stop);
    return () => {
      stopped = true;
      removeEventListener("pagehide", stop);
      unsubscribe();
      stop();
    };
  }, []);
  return { call, engine };
}
