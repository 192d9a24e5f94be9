import { useEffect } from "preact/hooks";
import { useSignalEffect } from "@preact/signals";
import { usePhone } from "../client/phone.ts";
import { enableSectionNavigation } from "../client/navigate.ts";
import { statusText } from "../components/phone/CallStatus.tsx";
import { InCall, IncomingCall } from "../components/phone/InCall.tsx";

/**
 * The phone on every dashboard section: it rings here, and the call shows here with its
 * controls, whichever section is open; moving between sections keeps it (it also turns section
 * navigation on). While ringing, the tab's title says who is calling.
 */
export default function Phone() {
  const { call, engine, dialerShown } = usePhone();
  useEffect(() => enableSectionNavigation(), []);
  useRingingTitle(call);

  const snapshot = call.value;
  if (snapshot.phase === "incoming" && engine.current) {
    return (
      <div class="phone-card card" data-testid="phone">
        <IncomingCall call={snapshot} engine={engine.current} />
      </div>
    );
  }
  if (snapshot.callId !== null && snapshot.phase !== "ended" && engine.current) {
    return (
      <div class="phone-card card" data-testid="phone">
        <InCall call={snapshot} engine={engine.current} />
      </div>
    );
  }
  // On other sections the Dialer is not there to say how a call ended.
  if (snapshot.phase === "ended" && !dialerShown.value) {
    return (
      <p class={`phone-state ended card`} data-testid="call-status" role="status">
        {statusText(snapshot)}
      </p>
    );
  }
  return null;
}

/** "Ringing: Ada Lovelace · CareFlow" as the tab's title while a call rings, then back. */
function useRingingTitle(call: ReturnType<typeof usePhone>["call"]) {
  useSignalEffect(() => {
    const snapshot = call.value;
    const ringing = snapshot.phase === "incoming";
    const marker = "Ringing: ";
    const base = document.title.startsWith(marker)
      ? document.title.slice(document.title.indexOf(" · ") + 3)
      : document.title;
    const who = snapshot.remote?.displayName ?? snapshot.remote?.care4wId ?? "a call";
    document.title = ringing ? `${marker}${who} · ${base}` : base;
  });
}
