/**
 * The People panel's requests (`/api/users/...`, web/routes/api/people.ts): our own server's
 * answers, read without zod (it stays out of the browser bundle).
 */
import type { Presence } from "../../../shared/presence.ts";
import type { Settings } from "../../../shared/settings.ts";

/** A colleague as the server lists them; `presence` is absent when they hide it. */
export interface Colleague {
  care4wId: string;
  displayName: string;
  presence?: Presence;
  favourite: boolean;
}

/** One directory page. */
export interface DirectoryPage {
  people: Colleague[];
  next: number | null;
}

/** The server's own words from a problem document, else `fallback`. */
async function failure(response: Response, fallback: string): Promise<Error> {
  const body = await response.json().catch(() => ({}));
  return new Error(typeof body.detail === "string" ? body.detail : fallback);
}

async function read<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  if (!response.ok) throw await failure(response, "People could not be loaded.");
  return await response.json() as T;
}

/** A page of the directory: everyone active (q ""), or those whose name or ID has `q`. */
export function searchDirectory(q: string, page: number): Promise<DirectoryPage> {
  const query = new URLSearchParams({ page: String(page) });
  if (q) query.set("q", q);
  return read(`/api/users/directory?${query}`);
}

/** The user's favourites, or the colleagues of their latest calls. */
export async function listOf(which: "favourites" | "recent"): Promise<Colleague[]> {
  return (await read<{ people: Colleague[] }>(`/api/users/${which}`)).people;
}

/** Stars or unstars a colleague. */
export async function setFavourite(care4wId: string, favourite: boolean): Promise<void> {
  await read(`/api/users/favourites/${care4wId}`, { method: favourite ? "PUT" : "DELETE" });
}

/** Turns do-not-disturb on or off; the whole settings as saved. */
export async function setDoNotDisturb(doNotDisturb: boolean): Promise<Settings> {
  const body = await read<{ settings: Settings }>("/api/users/settings", {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ presence: { doNotDisturb } }),
  });
  return body.settings;
}
