/**
 * The recordings access trail as admins search it (`GET /api/admin/access-trail` and the Admin
 * section's table): by who acted (a CareFlow ID), which recording, and which days (in a time
 * zone), newest first, a page at a time. Actors are shown by CareFlow ID and name, never by the
 * store's internal ids.
 */
import { z } from "zod";
import { CalendarDay, TimeZoneName } from "../../shared/analytics-api.ts";
import { ACCESS_ACTIONS } from "../../shared/recordings.ts";
import { care4wIdSchema } from "../../shared/schemas.ts";
import { dateOfDay, dayNumber, localDayStart, zoneClock } from "../../shared/time-zone.ts";
import type { AccessTrailStore, UserStore } from "../store/mod.ts";
import type { TrailFilter } from "../store/access-trail.ts";

/** Entries per page. */
export const TRAIL_PAGE = 50;
/** Pages beyond this are refused: an offset scan that deep is no way to read an audit trail. */
export const MAX_TRAIL_PAGE = 1000;

/**
 * A calendar day. The shape is checked first, on its own: `CalendarDay`'s "is a real date" rule
 * would otherwise also run on text that is no date at all, and throw.
 */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-11-21").pipe(
  CalendarDay,
);

/** `GET /api/admin/access-trail` query; empty fields (a GET form's) count as absent. */
export const TrailQuery = z.object({
  user: care4wIdSchema.optional(),
  recording: z.string().regex(/^[A-Za-z0-9-]{1,80}$/, "must be a recording id").optional(),
  from: Day.optional(),
  to: Day.optional(),
  tz: TimeZoneName.default("UTC"),
  page: z.string().regex(/^\d{1,4}$/, "must be a page number").transform(Number)
    .pipe(z.number().int().min(1).max(MAX_TRAIL_PAGE)).default(1),
}).strict().refine((q) => !q.from || !q.to || q.from <= q.to, {
  path: ["from"],
  message: "must not be after to",
});
export type TrailQuery = z.infer<typeof TrailQuery>;

/** `TrailQuery` of a query string whose blank fields (a GET form's `?user=&from=`) are absent. */
export const TrailQueryInput = z.preprocess(
  (query) =>
    query && typeof query === "object"
      ? Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ""))
      : query,
  TrailQuery,
);

/** One entry as admins see it. */
export interface AdminTrailEntry {
  seq: number;
  at: string;
  action: (typeof ACCESS_ACTIONS)[number];
  recordingId: string;
  /** Who acted: null for the system (the retention sweeper). */
  actor: { care4wId: string; displayName: string } | null;
  ip: string | null;
  userAgent: string | null;
}

/** A page of the trail. */
export interface AdminTrailPage {
  entries: AdminTrailEntry[];
  page: number;
  /** The next page's number, null on the last. */
  next: number | null;
}

/** Where the page comes from. */
export interface TrailSources {
  trail: Pick<AccessTrailStore, "searchTrail">;
  users: Pick<UserStore, "findUserById" | "findUserByCare4wId">;
}

/** The store's filter for a query; null when it names a person nobody is (nothing matches). */
async function filterOf(query: TrailQuery, users: TrailSources["users"]) {
  const filter: TrailFilter = {};
  if (query.user) {
    const actor = await users.findUserByCare4wId(query.user);
    if (!actor) return null;
    filter.actorUserId = actor.id;
  }
  if (query.recording) filter.recordingId = query.recording;
  // Whole days in the zone: from the start of `from` to the start of the day after `to`.
  const clock = zoneClock(query.tz);
  if (query.from) filter.from = new Date(localDayStart(clock, query.from));
  if (query.to) filter.to = new Date(localDayStart(clock, dateOfDay(dayNumber(query.to) + 1)));
  return filter;
}

/** The page of the trail that `query` asks for. */
export async function trailPage(sources: TrailSources, query: TrailQuery): Promise<AdminTrailPage> {
  const filter = await filterOf(query, sources.users);
  if (!filter) return { entries: [], page: query.page, next: null };
  const found = await sources.trail.searchTrail(
    filter,
    (query.page - 1) * TRAIL_PAGE,
    TRAIL_PAGE + 1,
  );
  const names = new Map<string, AdminTrailEntry["actor"]>();
  const actorOf = async (userId: string | null) => {
    if (userId === null) return null;
    if (!names.has(userId)) {
      const user = await sources.users.findUserById(userId);
      names.set(
        userId,
        user ? { care4wId: user.care4wId, displayName: user.displayName } : null,
      );
    }
    return names.get(userId) ?? { care4wId: "unknown", displayName: "Unknown user" };
  };
  const entries: AdminTrailEntry[] = [];
  for (const entry of found.slice(0, TRAIL_PAGE)) {
    entries.push({
      seq: entry.seq,
      at: entry.at.toISOString(),
      action: entry.action,
      recordingId: entry.recordingId,
      actor: await actorOf(entry.actorUserId),
      ip: entry.ip,
      userAgent: entry.userAgent,
    });
  }
  return { entries, page: query.page, next: found.length > TRAIL_PAGE ? query.page + 1 : null };
}
