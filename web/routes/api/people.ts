/**
 * Colleagues (`/api/users/...`), for signed-in users only: the directory (search by name or
 * CareFlow ID, a page at a time, active people only, never emails), the user's favourites
 * (star, unstar), recent contacts from their own call history, and presence for a batch of
 * CareFlow IDs (the history's rows). Each person comes with their presence word unless they
 * hide it (`privacy.showOnlineStatus`): then the field is absent, as in the lookup.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { Presence } from "../../../shared/presence.ts";
import { care4wIdSchema } from "../../../shared/schemas.ts";
import { problem } from "../../../shared/http/problem.ts";
import { queryOf } from "../../../shared/http/validate.ts";
import type { AppEnv } from "../../http/env.ts";
import { requireUser } from "../../middleware/session.ts";
import { MAX_PRESENCE_BATCH, type PresenceReader } from "../../people/presence.ts";
import {
  type CallStore,
  type DirectoryEntry,
  MAX_FAVOURITES,
  type PeopleStore,
  type UserStore,
} from "../../store/mod.ts";

/** People per directory page: one screen of a phone. */
export const DIRECTORY_PAGE_SIZE = 20;
/** Recent contacts shown: the people called or calling lately, not the whole history. */
const RECENT_CONTACTS = 8;
/** Calls looked through for them. */
const RECENT_CALLS = 50;

export const DirectoryQuery = z.object({
  q: z.string().trim().max(100, "must be at most 100 characters").default(""),
  page: z.coerce.number().int().min(1).max(500).default(1),
}).strict();

export const PresenceQuery = z.object({
  ids: z.string().max(MAX_PRESENCE_BATCH * 16).transform((text) => text.split(",")).pipe(
    z.array(care4wIdSchema).min(1).max(MAX_PRESENCE_BATCH),
  ),
}).strict();

/** A colleague as these answers list them. */
export interface Colleague {
  care4wId: string;
  displayName: string;
  /** Absent when they hide their presence. */
  presence?: Presence;
  favourite: boolean;
}

export interface PeopleDeps {
  users: Pick<UserStore, "findDirectoryEntry">;
  people: PeopleStore;
  calls: Pick<CallStore, "listCallsForUser">;
  presence: PresenceReader;
  now: () => Date;
}

/** The routes, mounted at `/api/users`. */
export function peopleRoutes(deps: PeopleDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  /** Entries as colleagues, with presence and whether `userId` starred them. */
  const view = async (userId: string, entries: DirectoryEntry[]): Promise<Colleague[]> => {
    const [words, starred] = await Promise.all([
      deps.presence.shownOfMany(entries.map((e) => e.id)),
      deps.people.listFavourites(userId, MAX_FAVOURITES),
    ]);
    const favourites = new Set(starred.map((e) => e.id));
    return entries.map((e) => {
      const presence = words.get(e.id);
      return {
        care4wId: e.care4wId,
        displayName: e.displayName,
        ...(presence ? { presence } : {}),
        favourite: favourites.has(e.id),
      };
    });
  };

  app.get("/directory", requireUser, queryOf(DirectoryQuery), async (c) => {
    const { q, page } = c.req.valid("query");
    const user = c.get("user")!;
    // One more than a page: whether there is a next one, without counting everyone.
    const found = await deps.people.searchDirectory(
      q,
      (page - 1) * DIRECTORY_PAGE_SIZE,
      DIRECTORY_PAGE_SIZE + 1,
    );
    const people = await view(user.id, found.slice(0, DIRECTORY_PAGE_SIZE));
    c.header("cache-control", "private, no-store");
    return c.json({ people, page, next: found.length > DIRECTORY_PAGE_SIZE ? page + 1 : null });
  });

  app.get("/favourites", requireUser, async (c) => {
    const user = c.get("user")!;
    const people = await view(user.id, await deps.people.listFavourites(user.id, MAX_FAVOURITES));
    c.header("cache-control", "private, no-store");
    return c.json({ people });
  });

  app.put("/favourites/:care4wId", requireUser, async (c) => {
    const user = c.get("user")!;
    const other = await colleague(deps, c.req.param("care4wId"));
    if (other.id === user.id) throw problem(400, "You cannot star yourself.");
    if (await deps.people.countFavourites(user.id) >= MAX_FAVOURITES) {
      throw problem(409, `At most ${MAX_FAVOURITES} favourites. Unstar someone first.`);
    }
    await deps.people.addFavourite(user.id, other.id, deps.now());
    return c.json({ care4wId: other.care4wId, favourite: true });
  });

  app.delete("/favourites/:care4wId", requireUser, async (c) => {
    const user = c.get("user")!;
    const other = await colleague(deps, c.req.param("care4wId"), { inactiveToo: true });
    await deps.people.removeFavourite(user.id, other.id);
    return c.json({ care4wId: other.care4wId, favourite: false });
  });

  app.get("/recent", requireUser, async (c) => {
    const user = c.get("user")!;
    const people = await view(user.id, await recentContacts(deps, user.id));
    c.header("cache-control", "private, no-store");
    return c.json({ people });
  });

  app.get("/presence", requireUser, queryOf(PresenceQuery), async (c) => {
    const entries = await Promise.all(
      [...new Set(c.req.valid("query").ids)].map((id) => deps.users.findDirectoryEntry(id)),
    );
    const active = entries.filter((e): e is DirectoryEntry => e?.isActive === true);
    const words = await deps.presence.shownOfMany(active.map((e) => e.id));
    const presence: Record<string, Presence> = {};
    for (const e of active) {
      const word = words.get(e.id);
      if (word) presence[e.care4wId] = word;
    }
    c.header("cache-control", "private, no-store");
    return c.json({ presence });
  });
  return app;
}

/** The colleague a path names: a 400 for what is no CareFlow ID, a 404 for nobody (active). */
async function colleague(
  deps: PeopleDeps,
  param: string,
  options: { inactiveToo?: boolean } = {},
): Promise<DirectoryEntry> {
  const care4wId = care4wIdSchema.safeParse(param);
  if (!care4wId.success) throw problem(400, "That is not a CareFlow ID.");
  const found = await deps.users.findDirectoryEntry(care4wId.data);
  if (!found || (!found.isActive && !options.inactiveToo)) {
    throw problem(404, `Nobody has the CareFlow ID ${care4wId.data}.`);
  }
  return found;
}

/** Colleagues of the user's latest calls, newest first, once each (outside phones left out). */
async function recentContacts(deps: PeopleDeps, userId: string): Promise<DirectoryEntry[]> {
  const { calls } = await deps.calls.listCallsForUser(userId, { page: 1, limit: RECENT_CALLS });
  const ids: string[] = [];
  for (const call of calls) {
    const other = call.callerUserId === userId ? call.calleeCare4wId : call.callerCare4wId;
    if (other && !ids.includes(other)) ids.push(other);
  }
  const entries = await Promise.all(
    ids.slice(0, RECENT_CONTACTS * 2).map((id) => deps.users.findDirectoryEntry(id)),
  );
  return entries.filter((e): e is DirectoryEntry => e?.isActive === true && e.id !== userId)
    .slice(0, RECENT_CONTACTS);
}
