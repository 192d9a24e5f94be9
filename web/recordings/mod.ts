/**
 * The recordings service: call recordings and uploads into storage, the owner's list and player,
 * voicemail, the access trail and retention. Built once by `compose.ts`; routes call it.
 */
import type { RecordingQuery, User } from "../store/mod.ts";
import * as access from "./access.ts";
import * as calls from "./call-recording.ts";
import type { RecordingDeps, Requester } from "./context.ts";
import { sweep } from "./retention.ts";
import { verifyTrail } from "./trail.ts";
import * as uploads from "./uploads.ts";
import * as voicemail from "./voicemail.ts";

import type { TrailEntry } from "./recording.ts";

export type { Requester } from "./context.ts";

const TRAIL_PAGE = 1000;

/** Creates the service over its stores, storage and configuration. */
export function createRecordingService(deps: RecordingDeps) {
  return {
    config: deps.config,
    list: (ownerUserId: string, query: RecordingQuery) =>
      access.listRecordings(deps, ownerUserId, query),
    get: (ownerUserId: string, id: string) => access.ownRecording(deps, ownerUserId, id),
    openMedia: (
      who: Requester & { isAdmin: boolean },
      id: string,
      options: Parameters<typeof access.openMedia>[3],
    ) => access.openMedia(deps, who, id, options),
    patch: (who: Requester, id: string, body: Parameters<typeof access.patchRecording>[3]) =>
      access.patchRecording(deps, who, id, body),
    delete: (who: Requester, id: string) => access.deleteRecording(deps, who, id),
    trail: (who: { userId: string; isAdmin: boolean }, id: string) => access.trailOf(deps, who, id),
    upload: (owner: User, input: uploads.UploadInput) => uploads.storeUpload(deps, owner, input),
    startCall: (owner: User, callId: string) => calls.startCallRecording(deps, owner, callId),
    appendPart: (owner: User, input: Parameters<typeof calls.appendPart>[2]) =>
      calls.appendPart(deps, owner, input),
    finishCall: (owner: User, id: string) => calls.finishCallRecording(deps, owner, id),
    discardCall: (owner: User, id: string) => calls.discardCallRecording(deps, owner, id),
    leaveVoicemail: (caller: User, input: Parameters<typeof voicemail.leaveVoicemail>[2]) =>
      voicemail.leaveVoicemail(deps, caller, input),
    setGreeting: (owner: User, body: ReadableStream<Uint8Array>) =>
      voicemail.setGreeting(deps, owner, body),
    removeGreeting: (owner: User) => voicemail.removeGreeting(deps, owner),
    ownGreeting: (owner: User) => voicemail.ownGreeting(deps, owner),
    greetingForCall: (caller: User, callId: string) =>
      voicemail.greetingForCall(deps, caller, callId),
    /** Walks the whole trail, a page at a time, and reports the first broken link. */
    async verifyTrail() {
      let before: TrailEntry | null = null;
      let checked = 0;
      for (;;) {
        const page = await deps.store.listTrail((before?.seq ?? 0) + 1, TRAIL_PAGE);
        const verdict = verifyTrail(page, before);
        if (!verdict.ok) return verdict;
        checked += page.length;
        if (page.length < TRAIL_PAGE) return { ok: true as const, checked };
        before = page[page.length - 1];
      }
    },
    sweep: () => sweep(deps),
  };
}

/** The service as routes and the composition see it. */
export type RecordingService = ReturnType<typeof createRecordingService>;
