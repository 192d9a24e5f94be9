import { useEffect, useState } from "preact/hooks";
import { useSignalEffect } from "@preact/signals";
import { type Phone as PhoneState, usePhone } from "../client/phone.ts";
import { enableSectionNavigation } from "../client/navigate.ts";
import { callKeyAction } from "../client/call-keys.ts";
import { askForNotifications, notificationState, notifyRinging } from "../client/call-notice.ts";
import { statusText } from "../components/phone/CallStatus.tsx";

/** The call card's components: a chunk of their own, fetched once the page is idle. */
type CallCard = typeof import("../components/phone/InCall.tsx");
let callCard: Promise<CallCard> | null = null;
const loadCallCard = () => (callCard ??= import("../components/phone/InCall.tsx"));

/**
 * The phone on every dashboard section: it rings here, and the call shows here with its
 * controls, whichever section is open; moving between sections keeps it (it also turns section
 * navigation on). While ringing, the tab's title says who is calling.
 */
export default function Phone() {
  const { call, engine, dialerShown } = usePhone();
  const [card, setCard] = useState<CallCard | null>(null);
  useEffect(() => {
    enableSectionNavigation();
    // Not on the way to a usable dial pad, but there before the first call rings.
    const load = () => void loadCallCard().then(setCard);
    if ("requestIdleCallback" in globalThis) requestIdleCallback(load, { timeout: 2000 });
    else setTimeout(load, 200);
  }, []);
  useRingingTitle(call);
  useRingingNotice(call);
  const tones = useCallKeys(call, engine);
  const [notify, setNotify] = useState(notificationState);

  const snapshot = call.value;
  const inCall = snapshot.callId !== null && snapshot.phase !== "ended";
  if ((snapshot.phase === "incoming" || inCall) && engine.current) {
    // A call that comes before the card's chunk: asked for now, a line meanwhile.
    if (!card) void loadCallCard().then(setCard);
    return (
      <div class="phone-card card" data-testid="phone">
        {!card
          ? <p class="status" role="status">{statusText(snapshot)}</p>
          : snapshot.phase === "incoming"
          ? <card.IncomingCall call={snapshot} engine={engine.current} />
          : <card.InCall call={snapshot} engine={engine.current} tones={tones} />}
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
  if (notify === "default" && snapshot.ready) {
    return (
      <p class="hint notify-offer" data-testid="notify-offer">
        Get a notice for calls while this tab is in the background.{" "}
        <button
          type="button"
          class="button small secondary"
          onClick={() => void askForNotifications().then(setNotify)}
        >
          Turn on notices
        </button>
      </p>
    );
  }
  return null;
}

/** A desktop notification while a call rings in a background tab (client/call-notice.ts). */
function useRingingNotice(call: PhoneState["call"]) {
  useSignalEffect(() => {
    const snapshot = call.value;
    if (snapshot.phase !== "incoming") return;
    return notifyRinging(snapshot);
  });
}

/** The phone's keyboard (client/call-keys.ts); returns the tones typed during this call. */
function useCallKeys(call: PhoneState["call"], engine: PhoneState["engine"]) {
  const [tones, setTones] = useState({ callId: "", sent: "" });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const current = engine.current;
      if (!current) return;
      const snapshot = call.peek();
      const action = callKeyAction(event, snapshot, current, (tone) =>
        setTones((was) => ({
          callId: snapshot.callId ?? "",
          sent: (was.callId === snapshot.callId ? was.sent : "") + tone,
        })));
      if (!action) return;
      event.preventDefault();
      action();
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);
  return tones.callId === call.value.callId ? tones.sent : "";
}

/** "Ringing: Ada Lovelace · CareFlow" as the tab's title while a call rings, then back. */
function useRingingTitle(call: PhoneState["call"]) {
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
