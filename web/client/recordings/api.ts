/**
 * The browser's client of the recordings, voicemail and settings API. Types only come from
 * shared/api.ts, so zod stays out of the island bundles; answers are our own server's.
 */
import type {
  RecordingsPage,
  RecordingView,
  TrailEntryView,
  UserSettings,
} from "../../../shared/api.ts";

/** What the owner may change on a recording (`PATCH /api/recordings/:id`). */
export interface RecordingChange {
  notes?: string;
  tags?: string[];
  isListened?: boolean;
  archived?: boolean;
}

/** The server's own words for a failed request when it sent a problem document. */
async function failure(response: Response, fallback: string): Promise<Error> {
  try {
    const body = await response.json();
    if (typeof body.detail === "string") return new Error(body.detail);
  } catch { /* not a problem document: the fallback says it */ }
  return new Error(fallback);
}

/** Sends a request; resolves with the JSON answer (undefined for 204), throws plain words. */
async function send<T>(url: string, init: RequestInit, fallback: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    // An aborted request is the caller's own doing: pass it on so it can be ignored.
    if (init.signal?.aborted) throw error;
    throw new Error("CareFlow could not be reached. Check your connection and try again.");
  }
  if (!response.ok) throw await failure(response, fallback);
  return response.status === 204 ? undefined as T : await response.json() as T;
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** One page of the user's recordings; `query` holds the filled-in filters only. */
export function listRecordings(
  query: URLSearchParams,
  signal?: AbortSignal,
): Promise<RecordingsPage> {
  return send(`/api/recordings?${query}`, { signal }, "Your recordings could not be loaded.");
}

/** Where a recording's audio plays from, or downloads from. */
export function mediaUrl(id: string, download = false): string {
  return `/api/recordings/${encodeURIComponent(id)}/media${download ? "?download=1" : ""}`;
}

/** Changes notes, tags, listened or archived; resolves with the recording as it is now. */
export async function changeRecording(id: string, change: RecordingChange) {
  const body = await send<{ recording: RecordingView }>(
    `/api/recordings/${encodeURIComponent(id)}`,
    json("PATCH", change),
    "The change could not be saved.",
  );
  return body.recording;
}

/** Deletes a recording; resolves with when its audio is purged for good. */
export async function deleteRecording(id: string): Promise<Date> {
  const body = await send<{ purgeAt: string }>(
    `/api/recordings/${encodeURIComponent(id)}`,
    { method: "DELETE" },
    "The recording could not be deleted.",
  );
  return new Date(body.purgeAt);
}

/** Who played, downloaded, archived or deleted a recording, oldest first. */
export async function accessTrail(id: string): Promise<TrailEntryView[]> {
  const body = await send<{ trail: TrailEntryView[] }>(
    `/api/recordings/${encodeURIComponent(id)}/access`,
    {},
    "The access trail could not be loaded.",
  );
  return body.trail;
}

/** The user's own recording settings. */
export async function loadSettings(): Promise<UserSettings> {
  const body = await send<{ settings: UserSettings }>(
    "/api/me/settings",
    {},
    "Your settings could not be loaded.",
  );
  return body.settings;
}

/** Saves some of the user's settings; resolves with all of them as they are now. */
export async function saveSettings(
  change: { recordCalls?: boolean; retentionDays?: number; personalPhone?: string | null },
): Promise<UserSettings> {
  const body = await send<{ settings: UserSettings }>(
    "/api/me/settings",
    json("PATCH", change),
    "Your settings could not be saved.",
  );
  return body.settings;
}

/** Whether `number` can be this user's personal phone (free, or theirs already). */
export async function personalPhoneAvailable(
  number: string,
  signal: AbortSignal,
): Promise<{ number: string; available: boolean }> {
  return await send(
    `/api/me/settings/personal-phone?number=${encodeURIComponent(number)}`,
    { signal },
    "That number could not be checked.",
  );
}

/** Where the user's own greeting plays from; `version` makes a new one load afresh. */
export function greetingUrl(version: number): string {
  return `/api/voicemail/greeting?v=${version}`;
}

/** Replaces the voicemail greeting with `audio`, sent as the raw body. */
export function saveGreeting(audio: Blob): Promise<void> {
  return send("/api/voicemail/greeting", {
    method: "PUT",
    headers: { "content-type": audio.type || "application/octet-stream" },
    body: audio,
  }, "The greeting could not be saved.");
}

/** Removes the greeting: callers hear the standard message again. */
export function removeGreeting(): Promise<void> {
  return send(
    "/api/voicemail/greeting",
    { method: "DELETE" },
    "The greeting could not be removed.",
  );
}
