/** How recordings read: lengths, sizes, times, who recorded and what was done, in plain words. */
import type { RecordingView, TrailEntryView } from "../../../shared/api.ts";
import { formatDateTime } from "../../../shared/display-time.ts";
import { settingsNow } from "../../client/settings.ts";

/** "45s", "3m 05s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
}

/** "820 B", "48 KB", "1.2 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A date and time as the reader asked for them (Settings: zone, date order, clock). */
export function formatWhen(iso: string): string {
  return formatDateTime(iso, settingsNow().display);
}

/** Who started recording, as the owner reads it; empty for voicemail. */
export function recordedByText(recording: RecordingView, ownId: string): string {
  if (!recording.recordedBy) return "";
  return recording.recordedBy === ownId ? "Recorded by you" : `Recorded by ${recording.recordedBy}`;
}

/** What a recording is doing when it cannot be played yet (or any more). */
export const UNPLAYABLE: Partial<Record<RecordingView["status"], string>> = {
  recording: "Still recording: it can be played once the call ends.",
  processing: "Still being saved: it can be played in a moment.",
  error: "No usable audio arrived for this recording.",
};

/** The trail's actions as a sentence would say them. */
export const ACTION_LABELS: Record<TrailEntryView["action"], string> = {
  play: "Played",
  download: "Downloaded",
  delete: "Deleted",
  archive: "Archived",
  unarchive: "Unarchived",
  purge: "Purged for good",
};

/** "Chrome on Linux"-like short name of a browser, for the trail; the full text is kept too. */
export function browserName(userAgent: string | null): string {
  if (!userAgent) return "";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
    ? "Firefox"
    : /Chrome\//.test(userAgent)
    ? "Chrome"
    : /Safari\//.test(userAgent)
    ? "Safari"
    : "";
  const system = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad/.test(userAgent)
    ? "iOS"
    : /Windows/.test(userAgent)
    ? "Windows"
    : /Mac OS X/.test(userAgent)
    ? "macOS"
    : /Linux/.test(userAgent)
    ? "Linux"
    : "";
  if (browser && system) return `${browser} on ${system}`;
  return browser || system || userAgent.slice(0, 40);
}

/** Tags typed as "a, b, c": trimmed, without empties or repeats. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((tag) => tag.trim()).filter(Boolean))];
}

/** What is wrong with `tags` in plain words, before the server is asked; null when fine. */
export function tagsProblem(tags: string[]): string | null {
  if (tags.length > 20) return "Use at most 20 tags.";
  const long = tags.find((tag) => tag.length > 40);
  return long
    ? `The tag "${long.slice(0, 20)}…" is too long: tags are at most 40 characters.`
    : null;
}
