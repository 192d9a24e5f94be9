/**
 * `PUT /internal/recordings/:id`: the audio of a recording event that named no object in a shared
 * store, streamed by the agent. Signed over the body's SHA-256 (the body is too large to read
 * before verifying), which is checked as the audio is stored: a mismatch keeps nothing.
 */
import { createHash } from "node:crypto";
import { Hono } from "hono";
import { problem } from "../../shared/http/problem.ts";
import {
  requireSignature,
  type SignatureRefusal,
  type SignedEnv,
} from "../../shared/http/signed.ts";
import type { ReplayGuard } from "../../shared/http/replay-guard.ts";
import { MAX_RECORDING_BYTES } from "../../shared/recordings.ts";
import type { IntakeDeps } from "../intake/events.ts";
import { keys } from "../recordings/context.ts";
import { CONTENT_TYPES } from "../recordings/sniff.ts";
import { StorageLimitError } from "../recordings/storage/types.ts";

/** The streamed upload route (mounted under `/internal`, before the buffering signature check). */
export function internalMediaRoutes(deps: {
  intake: IntakeDeps;
  secret: string;
  replays: ReplayGuard;
  nowSeconds: () => number;
  onRefused: (refusal: SignatureRefusal) => void;
}): Hono<SignedEnv> {
  const { intake } = deps;
  const app = new Hono<SignedEnv>();
  const signed = requireSignature({
    secret: deps.secret,
    replays: deps.replays,
    nowSeconds: deps.nowSeconds,
    onRefused: deps.onRefused,
    streamed: true,
  });

  app.put("/recordings/:id{[A-Za-z0-9_.:-]{8,128}}", signed, async (c) => {
    const recording = await intake.store.getRecording(c.req.param("id"));
    if (!recording) throw problem(404, "No recording event has this id.");
    if (recording.status !== "processing" || recording.storageKey) {
      throw problem(409, "This recording already has its audio.");
    }
    if (!c.req.raw.body) throw problem(400, "Send the audio as the body.");
    const hash = createHash("sha256");
    const hashing = c.req.raw.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          hash.update(chunk);
          controller.enqueue(chunk);
        },
      }),
    );
    const key = keys.audio(recording.ownerUserId, recording.id);
    let size: number;
    try {
      ({ size } = await intake.storage.put(key, hashing, {
        contentType: CONTENT_TYPES[recording.format],
        maxBytes: MAX_RECORDING_BYTES,
      }));
    } catch (error) {
      if (error instanceof StorageLimitError) throw problem(413, "The audio is too large.");
      throw error;
    }
    if (hash.digest("hex") !== c.get("contentSha256")) {
      await intake.storage.delete(key);
      throw problem(400, "The body does not match the SHA-256 it was signed with.");
    }
    await intake.store.updateRecording(recording.id, {
      status: "active",
      storageKey: key,
      fileSize: size,
    }, intake.now());
    return c.body(null, 204);
  });

  return app;
}
