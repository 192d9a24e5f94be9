/**
 * Attended transfer on SIP calls (REFER with Replaces: RFC 3891, RFC 5589 §7), transferor and
 * target; the transferee follows the REFER as a blind one (sip-transfer.ts), with `Replaces`.
 * - Transferor (`consult`, `complete`): the call shown goes on hold and aside (sip-waiting.ts),
 *   then the colleague is called as the call shown, `consulting`. Failing, declined or hung up,
 *   that call ends and the one on hold comes back, as call waiting does. Completing sends a REFER
 *   in the held call whose Refer-To calls the colleague with a Replaces naming the consultation;
 *   a NOTIFY with 2xx, or the colleague's BYE of the consultation, means it took: both calls end
 *   here, "Call transferred". A failure keeps both, with a notice.
 * - Target (`takeOver`): an INVITE with Replaces naming the established call shown is answered at
 *   once, without ringing, and the call it replaces ends with a BYE; one naming nothing here is
 *   refused 481 (RFC 3891 §3). The dialog match is the check RFC 3891 asks for: only the two ends
 *   of the consultation know its Call-ID and tags, and the transferor told them to the transferee.
 *
 * The Refer-To names the colleague's address of record (CareFlow ID at our domain), not the
 * consultation's Contact: a browser's Contact (`….invalid;transport=ws`) is reachable only through
 * the proxy's own connection to it, and Kamailio routes by CareFlow ID. The INVITE then reaches
 * each of the colleague's devices; all but the one in the consultation answer 481.
 */
import { type Invitation, type Session, SessionState, URI, UserAgent } from "sip.js";
import { normalizeCare4wId } from "../../../shared/care4w-id.ts";
import type { CallState } from "./call-state.ts";
import type { CallEnd } from "./end-reasons.ts";
import { microphoneProblem } from "./media.ts";
import type { Line } from "./sip-engine.ts";
import { namesDialog, parseReplaces, referToWithReplaces, replacesOf } from "./sip-replaces.ts";
import { referrerOfInvite, refusalText, sipfragStatus } from "./sip-transfer.ts";
import { callerOf, handlerOf, type SipCallWaiting } from "./sip-waiting.ts";

/** With no outcome this long after the REFER was accepted, the transfer is given up. */
const OUTCOME_WAIT_MS = 15_000;

type Ending = CallEnd | { text: string };

/** What attended transfer needs from the engine. */
export interface SipAttendedContext {
  calls: CallState;
  /** The call shown. */
  line: Line;
  waiting: Pick<SipCallWaiting, "holdToConsult" | "parkedSession" | "hangUpParked">;
  domain(): string;
  /** Places the consultation call (the engine's own dialling, `consulting` set). */
  dialConsultation(target: string): void;
  follow(s: Session, ending: () => CallEnd): void;
  accept(invitation: Invitation): Promise<void>;
  endByUs(end: Ending): void;
}

/**
 * A Refer-To target that sip.js writes exactly as given: `Session.refer` writes a URI with
 * `toString()`, bare, and a URI holding a header must be in angle brackets (RFC 3261 §20).
 */
class ReferTarget extends URI {
  constructor(aor: URI, private readonly value: string) {
    super(aor.scheme, aor.user ?? "", aor.host, aor.port);
  }

  override toString(): string {
    return this.value;
  }
}

/** A completion under way: the consultation it hands the call on hold to. */
interface Completing {
  consultation: Session;
  timer?: ReturnType<typeof setTimeout>;
}

/** Attended transfer over the sip engine's line and its call waiting. */
export class SipAttendedTransfer {
  #completing: Completing | null = null;

  constructor(private readonly ctx: SipAttendedContext) {}

  /** Holds the established call shown and calls `target` (a CareFlow ID) to ask them first. */
  consult(target: string): void {
    const { calls, waiting } = this.ctx;
    const id = normalizeCare4wId(target);
    if (calls.state.phase !== "connected" || calls.state.parked) return;
    if (!id) return calls.update({ notice: `Not transferred: ${target} is no CareFlow ID` });
    if (waiting.holdToConsult()) this.ctx.dialConsultation(id);
  }

  /** Hands the call on hold to the colleague of the connected consultation (REFER w/ Replaces). */
  complete(): void {
    const { calls, line, waiting } = this.ctx;
    const consultation = line.session;
    const held = waiting.parkedSession();
    const dialog = consultation?.dialog;
    const { phase, consulting, parked } = calls.state;
    if (!consulting || phase !== "connected" || this.#completing || !dialog || !parked) return;
    const colleague = consultation.remoteIdentity.uri.user;
    const aor = UserAgent.makeURI(`sip:${colleague}@${this.ctx.domain()}`);
    if (held?.state !== SessionState.Established || !aor) return;
    const completing: Completing = { consultation };
    this.#completing = completing;
    calls.update({
      notice: `Transferring ${parked.remote.displayName}…`,
      transferringTo: calls.state.remote?.displayName ?? colleague,
    });
    const fail = (why: string) => {
      if (this.#completing !== completing) return;
      clearTimeout(completing.timer);
      this.#completing = null;
      if (line.session === consultation) calls.update({ notice: `Not transferred: ${why}` });
    };
    const target = new ReferTarget(aor, referToWithReplaces(aor.toString(), replacesOf(dialog)));
    // sip.js adds Referred-By (this user's address of record) to every REFER it sends.
    held.refer(target, {
      requestDelegate: {
        onAccept: () => {
          completing.timer = setTimeout(
            () => fail(`${parked.remote.displayName}'s phone did not say how it went`),
            OUTCOME_WAIT_MS,
          );
        },
        onReject: ({ message }) =>
          fail(`the other phone refused it (${message.statusCode} ${message.reasonPhrase})`),
      },
      onNotify: (notification) => {
        void notification.accept().catch(() => {});
        const status = sipfragStatus(notification.request.body);
        if (!status || status.code < 200) return;
        if (status.code >= 300) return fail(refusalText(status.code, status.reason, colleague!));
        // Took: the target ends the consultation itself; this side need not wait for it.
        if (line.session === consultation) this.ctx.endByUs("transferred");
        else this.tookOver(consultation, null);
      },
    }).catch(() => fail("the call could not be handed over"));
  }

  /**
   * The call shown (`s`) is ending: true when it is a consultation being completed that the
   * colleague ended (or this side, because the transfer took), which means the transfer took.
   * The call on hold is then hung up as well, so that it does not come back.
   */
  tookOver(s: Session | null, endedByUs: Ending | null): boolean {
    const completing = this.#completing;
    if (!completing || completing.consultation !== s) return false;
    clearTimeout(completing.timer);
    this.#completing = null;
    if (endedByUs !== null && endedByUs !== "transferred") return false;
    this.ctx.waiting.hangUpParked("transferred");
    return true;
  }

  /**
   * Target side: an INVITE with a Replaces header takes the place of the call shown it names.
   * False when it has none (an ordinary call).
   */
  takeOver(invitation: Invitation): boolean {
    const header = invitation.request.getHeader("Replaces");
    if (header === undefined) return false;
    const { calls, line } = this.ctx;
    const replaces = parseReplaces(header);
    const old = line.session;
    const dialog = old?.state === SessionState.Established ? old.dialog : undefined;
    if (!replaces || !old || !dialog || !namesDialog(replaces, dialog)) {
      void invitation.reject({ statusCode: 481 }).catch(() => {});
      return true;
    }
    if (replaces.earlyOnly) {
      void invitation.reject({ statusCode: 486 }).catch(() => {});
      return true;
    }
    // The party handed over is named as this call named the one who handed it (phones send
    // only an address in Referred-By).
    const by = referrerOfInvite(invitation.request);
    const before = calls.state.remote;
    const transferredBy = by && before?.care4wId === by.care4wId ? before : by;
    handlerOf(old)?.close();
    line.audio?.remove();
    Object.assign(line, { session: invitation, audio: null, endedByUs: null });
    calls.tone(null);
    calls.begin({
      phase: "connecting",
      callId: invitation.request.callId,
      direction: "inbound",
      remote: callerOf(invitation),
      transferredBy,
    });
    this.ctx.follow(invitation, () => "hangup");
    // The replaced call ends once the new one is answered (RFC 3891 §3), whatever the answer.
    const byeOld = () => void old.bye().catch(() => {});
    this.ctx.accept(invitation).then(byeOld, (error) => {
      byeOld();
      if (line.session === invitation) this.ctx.endByUs({ text: microphoneProblem(error) });
    });
    return true;
  }
}
