/**
 * This tab's phone, one per page and shared by every island on it: the Phone island (on every
 * dashboard section, answering and showing calls) and the Dialer (placing them). It starts when
 * the first island asks for it and stops only when the page goes, so moving between sections
 * (section navigation swaps the page's main part, navigate.ts) never drops a call.
 */
import { type Signal, signal } from "@preact/signals";
import type { TokenResponse } from "../../shared/api.ts";
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
      // The engine loader (and the routing, signaling code it brings) is not needed for a usable
      // dial pad: a chunk of its own, fetched while the token is asked for, so it costs no extra
      // round trip before the phone is ready.
      const [loader, token] = await Promise.all([
        import("./call/load.ts"),
        fetch("/api/token").then((response) => {
          if (!response.ok) throw new Error(`token ${response.status}`);
          return response.json() as Promise<TokenResponse>;
        }),
      ]);
      const loaded = await loader.loadEngine(token);
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
