/**
 * `/api/recordings/*`: the owner's recordings and voicemail: list, read, play with HTTP ranges
 * (or a presigned redirect to S3), notes, tags, archive, delete, and each one's access trail.
 * Another user's recording is a 404 on every route.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { peerAddress } from "../../middleware/rate-limit.ts";
import { RecordingPatchBody, RecordingsQuery } from "../../../shared/api.ts";
import type { RecordingsPage, TrailEntryView } from "../../../shared/api.ts";
import { jsonBody, queryOf } from "../../../shared/http/validate.ts";
import type { AppEnv } from "../../http/env.ts";
import { parseRange } from "../../http/range.ts";
import { requireUser } from "../../middleware/session.ts";
import { recordingView } from "../../recordings/access.ts";
import type { RecordingService, Requester } from "../../recordings/mod.ts";
import type { UserStore } from "../../store/mod.ts";

const ID = "/:id{[A-Za-z0-9-]{1,80}}";
const DAY_MS = 86_400_000;

/** Who asks and from where, for the access trail. */
export function requester(c: Context<AppEnv>): Requester {
  return {
    userId: c.get("user")!.id,
    ip: peerAddress(c),
    userAgent: c.req.header("user-agent") ?? null,
  };
}

/** The recordings routes. */
export function recordingRoutes(
  deps: { recordings: RecordingService; users: Pick<UserStore, "findUserById"> },
): Hono<AppEnv> {
  const { recordings } = deps;
  const app = new Hono<AppEnv>();
  app.use("*", requireUser);
  app.use("*", async (c, next) => {
    await next();
    c.header("cache-control", "private, no-store");
  });

  app.get("/", queryOf(RecordingsQuery), async (c) => {
    const query = c.req.valid("query");
    const rawTo = c.req.query("to")?.trim();
    const to = query.to && rawTo?.length === 10 ? new Date(query.to.getTime() + DAY_MS) : query.to;
    const list = await recordings.list(c.get("user")!.id, { ...query, to });
    const page: RecordingsPage = {
      recordings: list.recordings.map(recordingView),
      pagination: {
        page: query.page,
        limit: query.limit,
        total: list.total,
        totalPages: Math.ceil(list.total / query.limit),
      },
      unlistenedVoicemail: list.unlistened,
    };
    return c.json(page);
  });

  app.get(ID, async (c) => {
    const recording = await recordings.get(c.get("user")!.id, c.req.param("id"));
    return c.json({ recording: recordingView(recording) });
  });

  app.get(`${ID}/media`, async (c) => {
    const download = c.req.query("download") === "1";
    const media = await recordings.openMedia(
      { ...requester(c), isAdmin: c.get("user")!.role === "admin" },
      c.req.param("id"),
      { range: parseRange(c.req.header("range")), download },
    );
    if ("redirect" in media) return c.redirect(media.redirect, 302);
    const { audio, range } = media;
    c.header("accept-ranges", "bytes");
    c.header("content-type", audio.contentType);
    if (download) {
      c.header(
        "content-disposition",
        `attachment; filename="recording-${media.recording.id}.${media.recording.format}"`,
      );
    }
    if (!range) {
      c.header("content-length", String(audio.size));
      return c.body(audio.body, 200);
    }
    c.header("content-range", `bytes ${range.start}-${range.end}/${audio.size}`);
    c.header("content-length", String(range.end - range.start + 1));
    return c.body(audio.body, 206);
  });

  app.patch(ID, jsonBody(RecordingPatchBody), async (c) => {
    const updated = await recordings.patch(requester(c), c.req.param("id"), c.req.valid("json"));
    return c.json({ recording: recordingView(updated) });
  });

  app.delete(ID, async (c) => {
    const { purgeAt } = await recordings.delete(requester(c), c.req.param("id"));
    return c.json({ deleted: true, purgeAt: purgeAt.toISOString() }, 202);
  });

  app.get(`${ID}/access`, async (c) => {
    const user = c.get("user")!;
    const entries = await recordings.trail(
      { userId: user.id, isAdmin: user.role === "admin" },
      c.req.param("id"),
    );
    const names = new Map<string, string>();
    const trail: TrailEntryView[] = [];
    for (const entry of entries) {
      let actor: string | null = null;
      if (entry.actorUserId) {
        if (!names.has(entry.actorUserId)) {
          const who = await deps.users.findUserById(entry.actorUserId);
          names.set(entry.actorUserId, who?.care4wId ?? "unknown");
        }
        actor = names.get(entry.actorUserId)!;
      }
      trail.push({
        seq: entry.seq,
        at: entry.at.toISOString(),
        action: entry.action,
        actor,
        ip: entry.ip,
        userAgent: entry.userAgent,
      });
    }
    return c.json({ trail });
  });

  return app;
}
