/**
 * A signed-in user's tab on a test app's call service (what the signaling socket does for a
 * browser), and the settings change a test makes the way the Settings form does.
 */
import type { ServerMessage } from "../../shared/signal.ts";
import type { TestApp } from "./app.ts";

/** Opens a tab for the user with `email`; frames it receives collect in `frames`. */
export async function openCallTab(t: TestApp, email: string) {
  const user = (await t.services.store.findUserByEmail(email))!;
  const frames: ServerMessage[] = [];
  const id = `${user.id}:${crypto.randomUUID()}`;
  await t.services.calls.connect(
    { userId: user.id, care4wId: user.care4wId, displayName: user.displayName },
    id,
    (frame) => void frames.push(frame),
  );
  const send = async (message: Record<string, unknown>) => {
    await t.services.calls.receive(id, JSON.stringify(message));
    await t.services.calls.settled();
  };
  return {
    frames,
    send,
    user,
    close: () => t.services.calls.disconnect(id),
    /** Invites `to` (a CareFlow ID); resolves with the new call's id. */
    async invite(to: string) {
      const callId = crypto.randomUUID();
      await send({ type: "invite", callId, to });
      return callId;
    },
  };
}

/** `PATCH /api/users/settings` as the signed-in `cookie`. */
export function patchSettings(t: TestApp, cookie: string, body: unknown) {
  return t.app.request("/api/users/settings", {
    method: "PATCH",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
