/**
 * Twilio's webhooks (`/api/webhooks/twilio/*`), every one signature-checked first:
 * - `voice`: a browser user's call to a phone number (the TwiML app's Voice URL) gets a `<Dial>`
 *   from the organisation's number; a call in to that number is asked for a CareFlow number;
 * - `gather`: the digits entered ring that user's browsers, or are asked for again;
 * - `status`: the `<Dial>`'s outcome becomes one history record, idempotent by CallSid; an
 *   unanswered call in is offered voicemail;
 * - `recording`, `voicemail`: a finished recording or message is fetched, stored and indexed for
 *   its owner, idempotent by RecordingSid, then deleted at Twilio;
 * - `announce`: what a called party hears before a recorded call connects.
 * Parameters are validated; anything Twilio would never send gets a spoken refusal, not a 500.
 */
import { Hono } from "hono";
import { countryCodeOf, isAllowedDestination } from "../../../shared/phone.ts";
import { care4wIdSchema, e164Schema } from "../../../shared/schemas.ts";
import type { z } from "zod";
import {
  type CallStore,
  settingsOfUser,
  type User,
  type UserSettingsStore,
  type UserStore,
} from "../../store/mod.ts";
import { twilioCallRecord } from "../../twilio/calls.ts";
import type { TwilioConfig } from "../../twilio/config.ts";
import type { TwilioRecordingDeps } from "../../twilio/recording-intake.ts";
import {
  BASE,
  GatherParams,
  MAX_ATTEMPTS,
  StatusParams,
  StatusQuery,
  VoiceParams,
} from "./twilio-params.ts";
import { twilioRecordingRoutes } from "./twilio-recordings.ts";
import { twilioSignature, type TwilioWebhookEnv } from "../../twilio/signature.ts";
import * as twiml from "../../twilio/twiml.ts";

/** What the webhooks need. */
export interface TwilioWebhookDeps extends Omit<TwilioRecordingDeps, "store" | "deleteAtTwilio"> {
  twilio: TwilioConfig;
  publicUrl: string;
  store:
    & TwilioRecordingDeps["store"]
    & Pick<CallStore, "insertCall">
    & Pick<UserStore, "findUserByPersonalPhone">
    & Pick<UserSettingsStore, "getUserSettings">;
  /** Twilio's REST origin recording URLs must name (tests: their stand-in's). */
  apiOrigin?: string;
}

/** The webhook routes, mounted at `/api/webhooks/twilio`. */
export function twilioWebhookRoutes(deps: TwilioWebhookDeps): Hono<TwilioWebhookEnv> {
  const app = new Hono<TwilioWebhookEnv>();
  app.use("*", twilioSignature({ ...deps.twilio, publicUrl: deps.publicUrl, logger: deps.logger }));
  const xml = (body: string) => new Response(body, { headers: { "content-type": "text/xml" } });
  const { activeUser, phoneOwner, callerOf } = directory(deps);

  app.post("/voice", async (c) => {
    const params = VoiceParams.safeParse(c.get("twilioParams"));
    if (!params.success || params.data.AccountSid !== deps.twilio.accountSid) {
      return xml(twiml.sayAndHangUp("This call cannot be connected."));
    }
    if (params.data.From.startsWith("client:")) {
      return xml(await dialOut(deps, activeUser, params.data));
    }
    return xml(twiml.askForCareflowNumber({ gatherPath: `${BASE}/gather?attempt=1`, attempt: 1 }));
  });

  app.post("/gather", async (c) => {
    const attempt = Math.min(MAX_ATTEMPTS, Math.max(1, Number(c.req.query("attempt")) || 1));
    const params = GatherParams.safeParse(c.get("twilioParams"));
    const digits = params.success ? params.data.Digits : undefined;
    const user = digits?.length === 7 ? await activeUser(`care4w-${digits}`) : null;
    if (!user) {
      if (attempt >= MAX_ATTEMPTS) {
        return xml(twiml.sayAndHangUp("That number is not in use. Goodbye."));
      }
      return xml(twiml.askForCareflowNumber({
        gatherPath: `${BASE}/gather?attempt=${attempt + 1}`,
        attempt: attempt + 1,
      }));
    }
    const from = String(c.get("twilioParams").From ?? "");
    const phone = e164Schema.safeParse(from).success ? from : "";
    if (
      isWithheld(from) && (await settingsOfUser(deps.store, user.id)).privacy.blockAnonymousCalls
    ) {
      // The menu already answered the call, so Twilio's <Reject> no longer applies: the caller is
      // told why, and may call again showing their number. Nobody rings; nothing is recorded.
      return xml(twiml.sayAndHangUp(
        "The person you are calling does not take calls from withheld numbers. Goodbye.",
      ));
    }
    const query = new URLSearchParams({ direction: "inbound", user: user.care4wId, phone });
    return xml(twiml.ringUser({
      identity: user.care4wId,
      caller: await callerOf(phone),
      timeout: deps.twilio.ringTimeoutSeconds,
      statusPath: `${BASE}/status?${query}`,
      recordingPath: user.recordCalls ? `${BASE}/recording?${query}` : undefined,
    }));
  });

  app.post("/status", async (c) => {
    const params = StatusParams.safeParse(c.get("twilioParams"));
    const query = StatusQuery.safeParse(c.req.query());
    if (!params.success || !query.success) {
      deps.logger.warn("twilio status not understood", { path: c.req.path });
      return xml(twiml.hangUp());
    }
    const { direction, user: care4wId, phone } = query.data;
    const user = await deps.store.findUserByCare4wId(care4wId);
    if (user) {
      await deps.store.insertCall(twilioCallRecord({
        callSid: params.data.CallSid,
        direction: query.data.direction,
        user,
        phone: query.data.phone,
        phoneOwner: await phoneOwner(query.data.phone),
        dialStatus: params.data.DialCallStatus,
        connectedSeconds: params.data.DialCallDuration,
        endedAt: deps.now(),
      }));
    }
    const unanswered = params.data.DialCallStatus !== "completed" &&
      params.data.DialCallStatus !== "answered";
    if (user && direction === "inbound" && unanswered) {
      const next = new URLSearchParams({ direction, user: care4wId, phone });
      return xml(twiml.takeMessage({
        name: user.displayName,
        recordingPath: `${BASE}/voicemail?${next}`,
        donePath: `${BASE}/voicemail-done`,
      }));
    }
    return xml(twiml.hangUp());
  });

  app.route("/", twilioRecordingRoutes(deps));
  app.post("/announce", () => xml(twiml.announceRecording()));
  return app;
}

/** Twilio's `From` of a caller who hides their number (or whose network does not send it). */
function isWithheld(from: string): boolean {
  return ["", "anonymous", "restricted", "unknown", "private"].includes(
    from.trim().replace(/^\+/, "").toLowerCase(),
  );
}

/** Who is who: active users by CareFlow ID, and the colleague behind a personal phone. */
function directory(deps: TwilioWebhookDeps) {
  const activeUser = async (care4wId: string) => {
    const user = await deps.store.findUserByCare4wId(care4wId);
    return user?.isActive ? user : null;
  };
  /** The active user whose personal phone `e164` is, if any (callers shown by name). */
  const phoneOwner = async (e164: string) => {
    const owner = e164 ? await deps.store.findUserByPersonalPhone(e164) : null;
    return owner?.isActive ? owner : null;
  };
  /** How a caller is shown to the browsers: a colleague by name and ID, the number masked. */
  const callerOf = async (phone: string) => {
    const owner = await phoneOwner(phone);
    if (owner) {
      return { name: owner.displayName, id: owner.care4wId, from: deps.twilio.phoneNumber };
    }
    return phone ? { name: phone, id: phone } : { name: "Withheld number", id: "" };
  };
  return { activeUser, phoneOwner, callerOf };
}

/** A browser user's call through the TwiML app: dialled from the organisation's number. */
async function dialOut(
  deps: TwilioWebhookDeps,
  activeUser: (care4wId: string) => Promise<User | null>,
  { From, To, ApplicationSid, Caller }: z.output<typeof VoiceParams>,
): Promise<string> {
  // A browser call comes through our TwiML app, and Twilio names the caller twice.
  if (ApplicationSid !== deps.twilio.twimlAppSid || (Caller !== undefined && Caller !== From)) {
    return twiml.sayAndHangUp("This call cannot be connected.");
  }
  const identity = From.slice("client:".length);
  const user = care4wIdSchema.safeParse(identity).success ? await activeUser(identity) : null;
  if (!user) return twiml.sayAndHangUp("Your account cannot make calls.");
  if (!e164Schema.safeParse(To).success) {
    return twiml.sayAndHangUp("That is not a phone number in international format.");
  }
  if (!isAllowedDestination(To, deps.twilio.allowedPrefixes)) {
    deps.logger.warn("twilio call out to a destination not allowed", {
      user: user.care4wId,
      country: countryCodeOf(To),
    });
    return twiml.sayAndHangUp("Calls to that country are not allowed from CareFlow.");
  }
  const query = new URLSearchParams({ direction: "outbound", user: user.care4wId, phone: To });
  return twiml.dialPhone({
    to: To,
    callerId: deps.twilio.phoneNumber,
    statusPath: `${BASE}/status?${query}`,
    record: user.recordCalls,
    recordingPath: `${BASE}/recording?${query}`,
    announcePath: `${BASE}/announce`,
  });
}
