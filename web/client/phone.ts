/**
 * This tab's phone, one per page and shared by every island on it: the Phone island (on every
 * dashboard section, answering and showing calls) and the Dialer (placing them). It starts when
 * the first island asks for it and stops only when the page goes, so moving between sections
 * (section navigation swaps the page's main part, navigate.ts) never drops a call.
 */
import { type Signal, signal } from "@preact/signals";
import { freshToken, loadEngine } from "./call/load.ts";
import { type CallEngine, type CallSnapshot, IDLE } from "./call/types.ts";

/** The call's state and the engine behind it (null until loaded, or when calling is down). */
export interface Phone {
  call: Signal<CallSnapshot>;
  engine: { current: CallEngine | null };
  /** Whether the Dialer is on the page (it then shows how a call ended itself). */
  dialerShown: Signal<boolean>;
}

let phone: Phone | null = null;

/** The page's phone, started on first use in the browser (the server renders it idle). */
export function usePhone(): Phone {
  if (typeof document === "undefined") {
    return { call: signal(IDLE), engine: { current: null }, dialerShown: signal(false) };
  }
  phone ??= startPhone();
  return phone;
}

function startPhone(): Phone {
  const started: Phone = {
    call: signal(IDLE),
    engine: { current: null },
    dialerShown: signal(false),
  };
  (async () => {
    try {
      const loaded = await loadEngine(await freshToken());
      started.engine.current = loaded;
      loaded.subscribe((snapshot) => (started.call.value = snapshot));
      loaded.start();
    } catch {
      started.call.value = {
        ...IDLE,
        problem: "Calling is unavailable right now. Reload to retry.",
      };
    }
  })();
  addEventListener("pagehide", () => started.engine.current?.stop());
  return started;
}
