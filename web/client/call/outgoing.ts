/** Placing calls from the webrtc engine: one the user dials, one a transfer hands us to. */
import type { ClientMessage } from "../../../shared/signal.ts";
import type { CallState } from "./call-state.ts";
import { type Media, releaseMedia } from "./call-media.ts";
import type { CallEnd } from "./end-reasons.ts";
import { release } from "./media.ts";
import type { CallResume } from "./resume.ts";
import type { Party } from "./types.ts";

/** Asks the server to hand the other party of the connected call to `target`. */
export function requestTransfer(
  calls: CallState,
  send: (m: ClientMessage) => boolean,
  target: string,
) {
  const { phase, callId } = calls.state;
  if (phase !== "connected" && phase !== "reconnecting") return;
  calls.update({ notice: `Transferring to ${target}…`, transferringTo: target });
  if (!send({ type: "transfer", callId: callId!, to: target })) {
    calls.update({ notice: "Not transferred: CareFlow is not connected" });
  }
}

/** What placing a call needs from the engine. */
interface OutgoingContext {
  calls: CallState;
  media: Media;
  send(message: ClientMessage): boolean;
  finish(end: CallEnd | { text: string }): void;
  resume: CallResume;
  microphone(onRefused: () => void): Promise<boolean>;
}

/** Placing calls: one the user dials, and the one a transfer hands us to. */
export function createOutgoing(ctx: OutgoingContext) {
  const { calls, media, send, finish, resume, microphone } = ctx;
  /**
   * Places a call; `how.grant` and `how.by`: a transfer made it (the grant, who handed us over);
   * `how.consult`: it asks a colleague first about the call on hold (an attended transfer).
   */
  const dial = async (to: Party, how: { grant?: string; by?: Party; consult?: string } = {}) => {
    if (calls.inCall()) return;
    const id = crypto.randomUUID();
    calls.begin({
      phase: "calling",
      callId: id,
      direction: "outbound",
      remote: to,
      transferredBy: how.by ?? null,
      consulting: how.consult !== undefined,
    });
    if (!(await microphone(() => {}))) return;
    if (calls.state.callId !== id) return release(media.stream);
    const invite: ClientMessage = { type: "invite", callId: id, to: to.care4wId };
    if (how.grant) invite.transfer = how.grant;
    if (how.consult) invite.consult = how.consult;
    if (!send(invite)) finish("offline");
  };
  /** We were handed to `to`: this call ends here without a card, and we call them at once. */
  const transferred = (to: Party, by: Party, grant?: string) => {
    resume.ended(calls.state.callId!, true);
    releaseMedia(media, calls.state.callId);
    calls.begin({ phase: "idle" });
    void dial(to, { grant, by });
  };
  /** Attended transfer: `hold` puts the call shown aside (its id), then `target` is called. */
  const consult = (target: string, hold: () => string | null) => {
    const held = hold();
    if (held) void dial({ care4wId: target, displayName: target }, { consult: held });
  };
  return { dial, transferred, consult };
}

/** Attended: hands the call on hold to the colleague of the call shown, which asked them. */
export function completeTransfer(calls: CallState, send: (m: ClientMessage) => boolean) {
  const { phase, callId, remote, parked, consulting } = calls.state;
  if (!consulting || !parked || phase !== "connected" || !remote) return;
  calls.update({
    notice: `Transferring ${parked.remote.displayName}…`,
    transferringTo: remote.displayName,
  });
  const sent = send({
    type: "transfer",
    callId: parked.callId,
    to: remote.care4wId,
    replaces: callId!,
  });
  if (!sent) calls.update({ notice: "Not transferred: CareFlow is not connected" });
}
