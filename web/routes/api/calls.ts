import { Hono } from "hono";
import { type CallView, type HistoryPage, HistoryQuery } from "../../../shared/api.ts";
import { problem } from "../../../shared/http/problem.ts";
import { jsonBody, queryOf } from "../../../shared/http/validate.ts";
import { callQualitySchema } from "../../../shared/schemas.ts";
import { type CallRecord, partyOf } from "../../calls/rules.ts";
import type { AppEnv } from "../../http/env.ts";
import { requireUser } from "../../middleware/session.ts";
import type { CallStore } from "../../store/mod.ts";

/** A call record as one of its parties sees it. */
export function callView(call: CallRecord, userId: string): CallView {
  const outbound = call.callerUserId === userId;
  return {
    id: call.id,
    status: call.status,
    direction: outbound ? "outbound" : "inbound",
    mode: call.mode,
    duration: call.durationSeconds,
    otherParty: partyOf(call, outbound ? "callee" : "caller"),
    startedAt: call.startedAt.toISOString(),
    answeredAt: call.answeredAt?.toISOString() ?? null,
    endedAt: call.endedAt.toISOString(),
    recordedBy: call.recordedBy,
    quality: call.quality,
    transferredBy: call.transferredBy,
    transferredTo: call.transferredTo,
  };
}

const DAY_MS = 86_400_000;

/** `/api/calls/*`: a user's own call history; other people's calls do not exist for them. */
export function callRoutes(deps: { calls: CallStore }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/history", requireUser, queryOf(HistoryQuery), async (c) => {
    const query = c.req.valid("query");
    const user = c.get("user")!;
    const rawTo = c.req.query("to")?.trim();
    // A bare date as `to` means "up to the end of that day".
    const to = query.to && rawTo?.length === 10 ? new Date(query.to.getTime() + DAY_MS) : query.to;
    if (query.from && to && query.from >= to) {
      throw problem(400, "`from` must be before `to`.", {
        errors: [{ field: "from", message: "must be before to" }],
      });
    }
    const { calls, total } = await deps.calls.listCallsForUser(user.id, { ...query, to });
    c.header("cache-control", "private, no-store");
    const page: HistoryPage = {
      calls: calls.map((call) => callView(call, user.id)),
      pagination: {
        page: query.page,
        limit: query.limit,
        total,
        totalPages: Math.ceil(total / query.limit),
      },
    };
    return c.json(page);
  });

  app.get("/:id{[A-Za-z0-9-]{1,64}}", requireUser, async (c) => {
    const user = c.get("user")!;
    const call = await deps.calls.getCallForUser(c.req.param("id"), user.id);
    if (!call) throw problem(404, "There is no such call in your history.");
    c.header("cache-control", "private, no-store");
    return c.json({ call: callView(call, user.id) });
  });

  // What this side of a browser call measured (SIP calls get theirs from the media side's CDR).
  app.post(
    "/:id{[A-Za-z0-9-]{1,64}}/quality",
    requireUser,
    jsonBody(callQualitySchema),
    async (c) => {
      const user = c.get("user")!;
      const taken = await deps.calls.recordCallQuality(
        c.req.param("id"),
        user.id,
        c.req.valid("json"),
      );
      if (!taken) throw problem(404, "There is no such browser call in your history.");
      return c.body(null, 204);
    },
  );

  return app;
}
