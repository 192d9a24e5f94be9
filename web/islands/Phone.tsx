import { useEffect, useLayoutEffect, useState } from "preact/hooks";
import { type Signal, useSignal, useSignalEffect } from "@preact/signals";
import { type Phone as PhoneState, usePhone } from "../client/phone.ts";
import { enableSectionNavigation } from "../client/navigate.ts";
import type { CallSnapshot } from "../client/call/types.ts";
import { statusText } from "../components/phone/CallStatus.tsx";

/**
 * The call card and everything a call needs (keys, ringing alerts, notices, the end card): a
 * chunk of its own (components/phone/card.ts), fetched once the page is idle, so the dashboard
 * loads little up front.
 */
type CallCard = typeof import("../components/phone/card.ts");
let callCard: Promise<CallCard> | null = null;
let loaded: CallCard | null = null;
const loadCallCard = () =>
  callCard ??= import("../components/phone/card.ts").then((card) => (loaded = card));

/** Whether desktop notices could be turned on here, or are (kept here: no chunk needed). */
const noticeState = () =>
  typeof Notification === "undefined" ? "unsupported" : Notification.permission;

/**
 * The phone on every dashboard section: it rings here, and the call shows here with its
 * controls, whichever section is open; moving between sections keeps it (it also turns section
 * navigation on). While ringing, the tab's title and favicon say so. How the last call ended
 * stays until dismissed, and calls missed since History was last opened are counted (`missed`:
 * the server's count, the same as History's badge).
 */
export default function Phone(props: { missed?: number }) {
  const { call, engine } = usePhone();
  const [card, setCard] = useState<CallCard | null>(loaded);
  const missed = useSignal(props.missed ?? 0);
  useEffect(() => {
    enableSectionNavigation();
    // Not on the way to a usable dial pad, but there before the first call rings.
    const load = () => void loadCallCard().then(setCard);
    if ("requestIdleCallback" in globalThis) requestIdleCallback(load, { timeout: 2000 });
    else setTimeout(load, 200);
  }, []);
  useEffect(() => card?.trackMissed(missed, call), [card]);
  useNoticeActions(card, call, engine);
  const tones = useCallKeys(call, engine);
  const [last, dismiss] = useLastEnd(call);
  const [notify, setNotify] = useState(noticeState);

  const snapshot = call.value;
  const ringing = snapshot.phase === "incoming" ? snapshot : null;
  // Title, favicon badge, desktop notice: on as the card shows, off when the ringing stops.
  useLayoutEffect(() => (ringing && card ? card.alertRinging(ringing) : undefined), [
    ringing?.callId,
    card,
  ]);
  const inCall = snapshot.callId !== null && snapshot.phase !== "ended";
  if ((ringing || inCall) && engine.current) {
    // A call that comes before the card's chunk: asked for now, a line meanwhile.
    if (!card) void loadCallCard().then(setCard);
    return (
      <div class="phone-card card" data-testid="phone">
        {!card
          ? <p class="status" role="status">{statusText(snapshot)}</p>
          : ringing
          ? <card.IncomingCall call={ringing} engine={engine.current} />
          : <card.InCall call={snapshot} engine={engine.current} tones={tones} />}
      </div>
    );
  }
  const ended = last.value;
  return (
    <>
      {ended && (card
        ? <card.EndCard call={ended} onDismiss={dismiss} />
        : <p class="phone-state card" role="status">{statusText(ended)}</p>)}
      {missed.value > 0 && (
        <p class="phone-missed" data-testid="phone-missed">
          <a href="/dashboard/history">
            {missed.value === 1 ? "1 missed call" : `${missed.value} missed calls`}
          </a>
        </p>
      )}
      {notify === "default" && snapshot.ready && (
        <p class="hint notify-offer" data-testid="notify-offer">
          Get a notice for calls while this tab is in the background.{" "}
          <button
            type="button"
            class="button small secondary"
            onClick={() =>
              void loadCallCard().then((c) =>
                c.askForNotifications()
              ).then(setNotify)}
          >
            Turn on notices
          </button>
        </p>
      )}
    </>
  );
}

/**
 * The last call's ending, kept past the engine's return to idle until the person dismisses it
 * or another call begins (incoming, or dialed). Returns it and how to dismiss it.
 */
function useLastEnd(call: PhoneState["call"]): [Signal<CallSnapshot | null>, () => void] {
  const last = useSignal<CallSnapshot | null>(null);
  const [dismissed] = useState(() => ({ callId: "" }));
  useSignalEffect(() => {
    const snapshot = call.value;
    if (snapshot.phase === "ended" && snapshot.callId) {
      // The engine reports an ending more than once (recording parts still being sent).
      if (dismissed.callId !== snapshot.callId) last.value = snapshot;
    } else if (snapshot.phase !== "idle") last.value = null;
  });
  const dismiss = () => {
    dismissed.callId = last.peek()?.callId ?? "";
    last.value = null;
  };
  return [last, dismiss];
}

/** Answer and Decline pressed on the desktop notice (the worker tells this tab). */
function useNoticeActions(
  card: CallCard | null,
  call: PhoneState["call"],
  engine: PhoneState["engine"],
) {
  useEffect(() => {
    if (!card || noticeState() !== "granted") return;
    void card.callWorker();
    return card.listenForNoticeActions(({ action, callId }) => {
      const snapshot = call.peek();
      if (snapshot.phase !== "incoming" || snapshot.callId !== callId) return;
      if (action === "answer") void engine.current?.answer();
      else if (action === "decline") engine.current?.decline();
    });
  }, [card]);
}

/** The phone's keyboard (client/call-keys.ts, in the card's chunk); returns the tones typed. */
function useCallKeys(call: PhoneState["call"], engine: PhoneState["engine"]): string {
  const [tones, setTones] = useState({ callId: "", sent: "" });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const current = engine.current;
      if (!current || !loaded) return;
      const snapshot = call.peek();
      const action = loaded.callKeyAction(event, snapshot, current, (tone) =>
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
