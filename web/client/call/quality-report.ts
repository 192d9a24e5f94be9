/**
 * Reports a finished browser call's measured quality to web (`POST /api/calls/:id/quality`), so
 * browser calls get a quality mark in the history like SIP calls do. The call's record is written
 * when the server sees the call end, which may be just after this tab hangs up: a 404 is retried
 * briefly. Best effort: a lost report only leaves the mark out.
 */
import type { CallQuality } from "../../../shared/calls.ts";

const ATTEMPTS = 4;
const RETRY_MS = 750;

/** Sends `quality` for `callId`; resolves when web took it or the attempts ran out. */
export async function reportCallQuality(callId: string, quality: CallQuality): Promise<boolean> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      const response = await fetch(`/api/calls/${encodeURIComponent(callId)}/quality`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(quality),
      });
      if (response.ok) return true;
      if (response.status !== 404) return false;
    } catch {
      // Offline for a moment: try again like a 404.
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
  return false;
}
