/**
 * `/api/voicemail/*`: leaving a message after an unanswered call (`POST /`, multipart with the
 * call's id), what such a caller hears first (`/calls/:callId`, `/calls/:callId/greeting`), and the
 * owner's own greeting (`/greeting`: GET, PUT with the raw audio, DELETE). Messages land in the
 * callee's recordings, type `voicemail`.
 */
import { Hono } from "hono";
import { z } from "zod";
import { problem, validationProblem } from "../../../shared/http/problem.ts";
import { MAX_RECORDING_BYTES } from "../../../shared/recordings.ts";
import type { AppEnv } from "../../http/env.ts";
import { requireUser } from "../../middleware/session.ts";
import { recordingView } from "../../recordings/access.ts";
import type { RecordingService } from "../../recordings/mod.ts";
import { readUpload } from "../../recordings/multipart.ts";
import type { StoredAudio } from "../../recordings/storage/types.ts";
import type { SubscriberSync } from "../../sip/mod.ts";

const CALL = "/calls/:callId{[A-Za-z0-9-]{1,64}}";

const MessageFields = z.object({
  callId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  duration: z.coerce.number().min(0).max(300),
}).strict();

/** Serves audio whole, or 404 when there is none. */
function audioResponse(audio: StoredAudio | null): Response {
  if (!audio) throw problem(404, "There is no greeting.");
  return new Response(audio.body, {
    headers: {
      "content-type": audio.contentType,
      "content-length": String(audio.size),
      "cache-control": "private, no-store",
    },
  });
}

/** The voicemail routes. */
export function voicemailRoutes(deps: {
  recordings: RecordingService;
  /** With SIP: a changed greeting is pushed, so FreeSWITCH plays it to SIP callers too. */
  sip?: SubscriberSync;
}): Hono<AppEnv> {
  const { recordings } = deps;
  const app = new Hono<AppEnv>();
  app.use("*", requireUser);

  app.post("/", async (c) => {
    const upload = await readUpload(c.req.raw, MAX_RECORDING_BYTES);
    const fields = MessageFields.safeParse(upload.fields);
    if (!fields.success) {
      await upload.file.cancel();
      throw validationProblem(fields.error, "upload");
    }
    const message = await recordings.leaveVoicemail(c.get("user")!, {
      callId: fields.data.callId,
      declaredSeconds: fields.data.duration,
      body: upload.file,
    });
    // The caller learns it arrived, not what is in the callee's box.
    return c.json({ left: true, id: recordingView(message).id }, 201);
  });

  app.get(CALL, async (c) => {
    const { calleeName, audio } = await recordings.greetingForCall(
      c.get("user")!,
      c.req.param("callId"),
    );
    await audio?.body.cancel();
    return c.json({ calleeName, hasGreeting: audio !== null });
  });

  app.get(`${CALL}/greeting`, async (c) => {
    const { audio } = await recordings.greetingForCall(c.get("user")!, c.req.param("callId"));
    return audioResponse(audio);
  });

  app.get("/greeting", async (c) => audioResponse(await recordings.ownGreeting(c.get("user")!)));

  app.put("/greeting", async (c) => {
    if (!c.req.raw.body) throw problem(400, "Send the greeting's audio as the body.");
    await recordings.setGreeting(c.get("user")!, c.req.raw.body);
    await deps.sip?.syncSubscriber(c.get("user")!.care4wId);
    return c.body(null, 204);
  });

  app.delete("/greeting", async (c) => {
    await recordings.removeGreeting(c.get("user")!);
    await deps.sip?.syncSubscriber(c.get("user")!.care4wId);
    return c.body(null, 204);
  });

  return app;
}
