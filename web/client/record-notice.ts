/**
 * `privacy.notifyOnRecord`: when the other party of a call starts recording it, a desktop notice
 * to this user while the tab is in the background (the call card always shows it and asks for
 * consent, whatever this setting says: this only adds a way of noticing). Loaded with the call
 * card.
 */
import { effect, type Signal } from "@preact/signals";
import type { CallSnapshot } from "./call/types.ts";
import { notifyOnce } from "./call-notice.ts";
import { settingsNow } from "./settings.ts";

/** Watches `call` for the other side's recording for as long as the page lives. */
export function watchPeerRecording(call: Signal<CallSnapshot>): () => void {
  const told = new Set<string>();
  return effect(() => {
    const now = call.value;
    if (!now.peerRecording || !now.callId || told.has(now.callId)) return;
    told.add(now.callId);
    if (!settingsNow().privacy.notifyOnRecord) return;
    const who = now.remote?.displayName ?? "The other person";
    void notifyOnce(
      `${who} is recording this call`,
      "Open CareFlow to agree or refuse: nothing is kept without your answer.",
      `careflow-recording-${now.callId}`,
    );
  });
}
