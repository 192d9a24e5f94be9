/**
 * Twilio's recording callbacks: `recording` (a recorded call) and `voicemail` (a message left),
 * each fetched only from Twilio's own API origin, stored for its owner and deleted at Twilio,
 * once per RecordingSid; `voicemail-done` ends the call after the message. Mounted inside the
 * signature-checked webhook routes.
 */
import { type Context, Hono } from "hono";
import { isTwilioRecordingUrl, TWILIO_API_ORIGIN } from "../../twilio/media.ts";
import { takeTwilioRecording } from "../../twilio/recording-intake.ts";
import type { TwilioWebhookEnv } from "../../twilio/signature.ts";
import * as twiml from "../../twilio/twiml.ts";
import type { TwilioWebhookDeps } from "./twilio.ts";
import { RecordingParams, StatusQuery } from "./twilio-params.ts";

/** The recording callback routes. */
export function twilioRecordingRoutes(deps: TwilioWebhookDeps): Hono<TwilioWebhookEnv> {
  const app = new Hono<TwilioWebhookEnv>();
  const xml = (body: string) => new Response(body, { headers: { "content-type": "text/xml" } });
  const handler = (kind: "call" | "voicemail") => async (c: Context<TwilioWebhookEnv>) => {
    const params = RecordingParams.safeParse(c.get("twilioParams"));
    const query = StatusQuery.safeParse(c.req.query());
    const origin = deps.apiOrigin ?? TWILIO_API_ORIGIN;
    if (
      !params.success || !query.success ||
      !isTwilioRecordingUrl(params.data.RecordingUrl, deps.twilio.accountSid, origin)
    ) {
      deps.logger.warn("twilio recording not understood", { path: c.req.path });
      return c.body(null, 204);
    }
    if (params.data.RecordingStatus !== "completed") return c.body(null, 204);
    const result = await takeTwilioRecording({
      ...deps,
      deleteAtTwilio: deps.twilio.deleteRecordings,
    }, {
      recordingSid: params.data.RecordingSid,
      recordingUrl: params.data.RecordingUrl,
      durationSeconds: params.data.RecordingDuration,
      callSid: params.data.CallSid,
      kind,
      owner: query.data.user,
      direction: query.data.direction,
      phone: query.data.phone,
    });
    if (result === "refused") deps.logger.warn("twilio recording for nobody", { path: c.req.path });
    return c.body(null, 204);
  };
  app.post("/recording", handler("call"));
  app.post("/voicemail", handler("voicemail"));
  app.post(
    "/voicemail-done",
    () => xml(twiml.sayAndHangUp("Thank you. Your message was left. Goodbye.")),
  );

  return app;
}
