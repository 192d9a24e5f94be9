/**
 * Audio coming in: `POST /api/recordings/upload` (a whole file, multipart), and a call recorded
 * while it runs: `POST /api/recordings` (start), `PUT /api/recordings/:id/parts/:n` (each part,
 * the raw audio as the body), `POST .../finish`, `POST .../discard` (the other party refused).
 * Bodies stream into storage; limits are enforced as they arrive.
 */
import { Hono } from "hono";
import { z } from "zod";
import { StartRecordingBody } from "../../../shared/api.ts";
import { problem, validationProblem } from "../../../shared/http/problem.ts";
import { jsonBody } from "../../../shared/http/validate.ts";
import {
  MAX_RECORDING_BYTES,
  MAX_RECORDING_SECONDS,
  RECORDING_TYPES,
} from "../../../shared/recordings.ts";
import type { AppEnv } from "../../http/env.ts";
import { requireUser } from "../../middleware/session.ts";
import { recordingView } from "../../recordings/access.ts";
import type { RecordingService } from "../../recordings/mod.ts";
import { readUpload } from "../../recordings/multipart.ts";

const ID = "/:id{[A-Za-z0-9-]{1,80}}";

/** The text fields of an upload, sent before its `file` part. */
const UploadFields = z.object({
  type: z.enum(RECORDING_TYPES).default("call"),
  callId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).optional(),
  duration: z.coerce.number().min(0).max(MAX_RECORDING_SECONDS),
}).strict();

const Seconds = z.coerce.number().min(0).max(MAX_RECORDING_SECONDS);

/** The upload routes. */
export function recordingUploadRoutes(deps: { recordings: RecordingService }): Hono<AppEnv> {
  const { recordings } = deps;
  const app = new Hono<AppEnv>();
  app.use("*", requireUser);

  app.post("/upload", async (c) => {
    const upload = await readUpload(c.req.raw, MAX_RECORDING_BYTES);
    const fields = UploadFields.safeParse(upload.fields);
    if (!fields.success) {
      await upload.file.cancel();
      throw validationProblem(fields.error, "upload");
    }
    const recording = await recordings.upload(c.get("user")!, {
      type: fields.data.type,
      callId: fields.data.callId,
      declaredSeconds: fields.data.duration,
      body: upload.file,
    });
    return c.json({ recording: recordingView(recording) }, 201);
  });

  app.post("/", jsonBody(StartRecordingBody), async (c) => {
    const recording = await recordings.startCall(c.get("user")!, c.req.valid("json").callId);
    return c.json({ recording: recordingView(recording) }, 201);
  });

  app.put(`${ID}/parts/:n{[0-9]{1,5}}`, async (c) => {
    const n = Number(c.req.param("n"));
    const elapsed = Seconds.safeParse(c.req.header("x-recording-elapsed") ?? "0");
    if (!elapsed.success) throw validationProblem(elapsed.error, "X-Recording-Elapsed header");
    if (n < 1 || !c.req.raw.body) throw problem(400, "Parts are numbered from 1 and carry audio.");
    const recording = await recordings.appendPart(c.get("user")!, {
      id: c.req.param("id"),
      n,
      elapsedSeconds: elapsed.data,
      body: c.req.raw.body,
    });
    return c.json({ recording: recordingView(recording) });
  });

  app.post(`${ID}/finish`, async (c) => {
    const recording = await recordings.finishCall(c.get("user")!, c.req.param("id"));
    return c.json({ recording: recordingView(recording) });
  });

  app.post(`${ID}/discard`, async (c) => {
    await recordings.discardCall(c.get("user")!, c.req.param("id"));
    return c.body(null, 204);
  });

  return app;
}
