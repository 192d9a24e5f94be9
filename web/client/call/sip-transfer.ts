/**
 * Blind transfer on SIP calls (RFC 3515 REFER, RFC 5589 §6), both ends of it:
 * - the transferor (`transferOut`): a REFER in the dialog, whose NOTIFYs (message/sipfrag) say
 *   how the other party's new call goes; once it rings (or, with no word, a while after the
 *   REFER was accepted) this side leaves the call; a failure keeps the call with a notice;
 * - the transferee (`followReferral`): the REFER's target is called at once with `Referred-By`,
 *   each response told back in a NOTIFY; the old call goes quiet meanwhile and comes back when the
 *   target could not be reached at all, as the transferor then keeps it too.
 * A Refer-To with a Replaces header (attended transfer, RFC 5589 §7) is followed the same way, the
 * new INVITE carrying that `Replaces` so the target swaps it for its call with the transferor.
 * The new INVITE is this user's own call: Kamailio authenticates and routes it like any other.
 */
import {
  Grammar,
  type NameAddrHeader,
  type Referral,
  type Session,
  SessionState,
  UserAgent,
} from "sip.js";
import { normalizeCare4wId } from "../../../shared/care4w-id.ts";
import type { CallState } from "./call-state.ts";
import type { Line } from "./sip-engine.ts";
import { unescapeReplaces } from "./sip-replaces.ts";
import type { CallSnapshot, Party } from "./types.ts";

/** With no NOTIFY that tells anything this long after the REFER was accepted, the party is gone. */
const NOTIFY_WAIT_MS = 8_000;
/** How long the transferee leaves the transferor to hang up the old call before it does. */
const OLD_CALL_GRACE_MS = 2_000;

/** The status line of a message/sipfrag body (`SIP/2.0 180 Ringing`), or null. */
export function sipfragStatus(body: string | undefined): { code: number; reason: string } | null {
  const match = /^SIP\/2\.0\s+(\d{3})\s*([^\r\n]*)/.exec((body ?? "").trimStart());
  return match ? { code: Number(match[1]), reason: match[2].trim() } : null;
}

/** Why a transfer to `target` did not take, from the final status of the call placed to it. */
export function refusalText(status: number, reason: string, target: string): string {
  if ([404, 410, 484, 604].includes(status)) return `no user ${target}`;
  if (status === 480 || status === 408) return `${target} is not available`;
  if (status === 486 || status === 600) return `${target} is busy`;
  if (status === 603) return `${target} declined`;
  if (status === 403) return `calls to ${target} are not allowed`;
  return `the call to ${target} failed (${status} ${reason})`.replace(" )", ")");
}

/**
 * Hands the other party of the established session `s` to `target` (a CareFlow ID) with a
 * REFER; `leave` ends our side once the transfer took. Progress and refusals go to `notice`.
 */
export function transferOut(
  s: Session,
  target: string,
  domain: string,
  calls: CallState,
  leave: () => void,
): void {
  const id = normalizeCare4wId(target);
  const uri = id ? UserAgent.makeURI(`sip:${id}@${domain}`) : undefined;
  if (s.state !== SessionState.Established) return;
  if (!id || !uri) {
    calls.update({ notice: `Not transferred: ${target} is no CareFlow ID` });
    return;
  }
  calls.update({ notice: `Transferring to ${id}…` });
  let settled = false;
  let fallback: ReturnType<typeof setTimeout> | undefined;
  /** Leaves the call (no reason) or keeps it and says why not. */
  const settle = (why?: string) => {
    if (settled) return;
    settled = true;
    clearTimeout(fallback);
    if (why === undefined) leave();
    else calls.update({ notice: `Not transferred: ${why}` });
  };
  s.refer(uri, {
    requestDelegate: {
      // A transferee that never NOTIFYs still took the call: leave after a while.
      onAccept: () => (fallback = setTimeout(() => settle(), NOTIFY_WAIT_MS)),
      onReject: ({ message }) =>
        settle(`the other phone refused it (${message.statusCode} ${message.reasonPhrase})`),
    },
    onNotify: (notification) => {
      void notification.accept().catch(() => {});
      const status = sipfragStatus(notification.request.body);
      // 100 Trying says nothing yet; ringing or answered means the colleague was reached.
      if (!status || status.code < 180) return;
      settle(status.code < 300 ? undefined : refusalText(status.code, status.reason, id));
    },
  }).catch(() => settle("the call could not be handed over"));
}

/** Hands the other party of the call shown to `target` (REFER); this side leaves once it took. */
export function transferShown(
  line: Line,
  calls: CallState,
  target: string,
  domain: string,
  endByUs: (end: "transferred") => void,
) {
  const s = line.session;
  if (!s || !calls.inCall() || calls.state.notice?.startsWith("Transferring")) return;
  calls.update({ transferringTo: target });
  transferOut(s, target, domain, calls, () => {
    if (line.session === s) endByUs("transferred");
  });
}

/** A name-addr header's party, or null when it names no user. */
function partyOf(header: NameAddrHeader | undefined): Party | null {
  const care4wId = header?.uri.user;
  if (!care4wId) return null;
  return { care4wId, displayName: header.displayName || care4wId };
}

/** Who handed an incoming call over: its `Referred-By` (set by the transferee), or null. */
export function referrerOfInvite(request: { getHeader(name: string): string | undefined }) {
  const header = request.getHeader("Referred-By");
  return header ? partyOf(Grammar.nameAddrHeaderParse(header)) : null;
}

/**
 * Who sent a REFER: its `Referred-By` if it has one (baresip sends none), else its From; named
 * as that header names them, else as the current call's other party is named (the directory's
 * name, when it is them), else as From does (phones often name nobody, or put their ID there).
 */
function referrerOf(referral: Referral, remote: Party | null): Party {
  const from = referral.request.from;
  const header = referral.referredBy
    ? Grammar.nameAddrHeaderParse(referral.referredBy) ?? from
    : from;
  const care4wId = header.uri.user ?? "unknown";
  const name = header.displayName ||
    (remote?.care4wId === care4wId ? remote.displayName : "") ||
    (from.uri.user === care4wId ? from.displayName : "");
  return { care4wId, displayName: name || care4wId };
}

/** What the transferee's new call needs: who referred it, and where its responses are told. */
export interface TransferDial {
  by: Party;
  /** The `Referred-By` value the new INVITE carries. */
  referredBy: string;
  /**
   * Attended transfer: the `Replaces` value the new INVITE carries (RFC 3891), naming the call
   * between the transferor and the target that this one takes the place of.
   */
  replaces: string | null;
  /** Every response to the new INVITE (100 … 6xx), in order. */
  report(status: number, reason: string): void;
}

/** What following a referral may touch in the engine. */
export interface ReferralContext {
  calls: CallState;
  line: Line;
  domain: string;
  /** Places the call to the transfer target (the engine's own dialling). */
  dial(target: string, transfer: TransferDial): void;
}

const handlerOf = (s: Session) =>
  s.sessionDescriptionHandler as
    | { close(): void; enableSenderTracks(enabled: boolean): void }
    | undefined;

/**
 * Follows a REFER received in the current call `old`: only to a CareFlow ID in our domain (a
 * transferor must not make this phone dial numbers on this user's account), accepted with 202,
 * then the target called at once while NOTIFYs tell the transferor how it goes.
 */
export function followReferral(referral: Referral, old: Session, context: ReferralContext): void {
  const { calls, line } = context;
  const uri = referral.referTo.uri;
  const target = normalizeCare4wId(uri.user ?? "");
  if (line.session !== old || !target || uri.host !== context.domain) {
    void referral.reject({ statusCode: 403 }).catch(() => {});
    return;
  }
  void referral.accept().catch(() => {});
  const notify = (code: number, reason: string) => {
    if (old.state !== SessionState.Established) return;
    // sip.js's own NOTIFYs mark every one "terminated", after which a transferor that keeps the
    // subscription (baresip) refuses the rest with 481 and never hears the outcome.
    const state = code >= 200 ? "terminated;reason=noresource" : "active;expires=60";
    try {
      old.dialog?.notify(undefined, {
        extraHeaders: ["Event: refer", `Subscription-State: ${state}`],
        body: {
          contentDisposition: "render",
          contentType: "message/sipfrag;version=2.0",
          content: `SIP/2.0 ${code} ${reason}`.trim(),
        },
      });
    } catch {
      // The dialog is ending: nobody is left to tell.
    }
  };
  notify(100, "Trying");

  const from = referral.request.from;
  const by = referrerOf(referral, calls.state.remote);
  const saved = { snapshot: calls.state, audio: line.audio };
  // The old call goes quiet (nothing sent, nothing played) while the new one is placed.
  handlerOf(old)?.enableSenderTracks(false);
  if (saved.audio) saved.audio.muted = true;
  line.audio = null;
  old.stateChange.addListener((state) => {
    if (state === SessionState.Terminated && line.session !== old) saved.audio?.remove();
  });

  let reached = false;
  let released = false;
  /** The transfer took: the old call's media goes, and the call itself once the new one ends. */
  const release = () => {
    if (released) return;
    released = true;
    handlerOf(old)?.close();
    saved.audio?.remove();
  };
  const hangUpOld = () =>
    setTimeout(() => {
      if (old.state === SessionState.Established && line.session !== old) {
        void old.bye().catch(() => {});
      }
    }, OLD_CALL_GRACE_MS);
  context.dial(target, {
    by,
    referredBy: referral.referredBy ?? `<${from.uri}>`,
    replaces: unescapeReplaces(referral.replaces),
    report(code, reason) {
      notify(code, reason);
      if (code >= 180 && code < 300) reached = true;
      if (reached) release();
      if (code < 200) return;
      // Not reached at all (no such user, unavailable, busy): the transferor keeps the call, and
      // so do we, unless this user gave up on the new call or the old one is gone.
      if (!reached && line.endedByUs === null && old.state === SessionState.Established) {
        return restore(context, old, saved, refusalText(code, reason, target));
      }
      release();
      hangUpOld();
    },
  });
}

/** Makes the old call the current one again, as it was before the REFER. */
function restore(
  context: ReferralContext,
  old: Session,
  saved: { snapshot: CallSnapshot; audio: HTMLAudioElement | null },
  why: string,
) {
  const { calls, line } = context;
  line.audio?.remove();
  line.session = old;
  line.audio = saved.audio;
  line.endedByUs = null;
  const { muted, held } = saved.snapshot;
  if (line.audio) line.audio.muted = held;
  handlerOf(old)?.enableSenderTracks(!muted && !held);
  calls.tone(null);
  const now = calls.state;
  calls.update({
    ...saved.snapshot,
    ready: now.ready,
    problem: now.problem,
    phonesReady: now.phonesReady,
    phonesProblem: now.phonesProblem,
    savingParts: now.savingParts,
    // The calls beside it (call waiting) are as they are now, not as at the REFER.
    waiting: now.waiting,
    parked: now.parked,
    notice: `Not transferred: ${why}`,
  });
}
