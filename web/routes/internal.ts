/**
 * Internal API for the agent (not for browsers): `GET /internal/subscribers/:care4wId` (its
 * cache-miss fetch), `POST /internal/events` (its batches of CDR, recording, voicemail and device
 * events), `GET /internal/greetings/:care4wId` (a user's voicemail greeting, for FreeSWITCH) and
 * `PUT /internal/recordings/:id` (streamed audio, `internal-media.ts`). Only a valid
 * HMAC signature (`shared/signing.ts`) opens it: a session cookie counts for nothing here. Stale
 * (> 5 min) or replayed requests get 401.
 */
import { Hono } from "hono";
import { isCare4wId } from "../../shared/care4w-id.ts";
import { eventBatchSchema } from "../../shared/events.ts";
import { problem, validationProblem } from "../../shared/http/problem.ts";
import { requireSignature, type SignedEnv } from "../../shared/http/signed.ts";
import { ingestEvents, type IntakeDeps } from "../intake/events.ts";
import { greetingVersion } from "../recordings/context.ts";
import type { Logger } from "../log.ts";
import type { SipEdge } from "../sip/mod.ts";
import { internalMediaRoutes } from "./internal-media.ts";

export interface InternalDeps {
  /** Absent when SIP is not configured: every internal path is then 404. */
  sip: SipEdge | undefined;
  logger: Logger;
  now: () => Date;
  /** Where the agent's events go. */
  intake: IntakeDeps;
}

/** Builds the `/internal` routes. */
export function internalRoutes(deps: InternalDeps): Hono<SignedEnv> {
  const app = new Hono<SignedEnv>();
  const sip = deps.sip;
  if (!sip) {
    app.all("*", () => {
      throw problem(404, "The internal API is off: SIP is not configured on this server.");
    });
    return app;
  }
  const signing = {
    secret: sip.config.internalApiSecret,
    replays: sip.replays,
    nowSeconds: () => deps.now().getTime() / 1000,
    onRefused: ({ path, reason }: { path: string; reason: string }) =>
      deps.logger.warn("internal request refused", { path, reason }),
  };
  // Before the buffering signature check below: audio streams and is verified by its hash.
  app.route("/", internalMediaRoutes({ intake: deps.intake, ...signing }));
  app.use("*", requireSignature(signing));
  app.post("/events", async (c) => {
    let json: unknown;
    try {
      json = JSON.parse(c.get("rawBody"));
    } catch {
      throw problem(400, "The body is not valid JSON.");
    }
    const batch = eventBatchSchema.safeParse(json);
    if (!batch.success) throw validationProblem(batch.error, "batch");
    const results = await ingestEvents(deps.intake, batch.data.events);
    return c.json({ results });
  });
  app.get("/subscribers/:care4wId", async (c) => {
    const care4wId = c.req.param("care4wId");
    if (!isCare4wId(care4wId)) throw problem(400, "The path must name a CareFlow ID.");
    const record = await sip.phones.subscriber(care4wId);
    if (!record) throw problem(404, "Nobody has this CareFlow ID.");
    c.header("cache-control", "no-store");
    return c.json(record);
  });
  app.get("/greetings/:care4wId", async (c) => {
    const care4wId = c.req.param("care4wId");
    if (!isCare4wId(care4wId)) throw problem(400, "The path must name a CareFlow ID.");
    const user = await deps.intake.store.findUserByCare4wId(care4wId);
    const version = greetingVersion(user?.voicemailGreetingKey ?? null);
    const audio = version ? await deps.intake.storage.get(user!.voicemailGreetingKey!) : null;
    if (!audio) throw problem(404, "This user has no greeting.");
    return new Response(audio.body, {
      headers: {
        "content-type": audio.contentType,
        "content-length": String(audio.size),
        "x-careflow-greeting": version!,
        "cache-control": "no-store",
      },
    });
  });
  app.all("*", (c) => {
    throw problem(404, `There is no internal endpoint ${c.req.method} ${c.req.path}.`);
  });
  return app;
}
