/**
 * Tab activity on the call service: the `active:` hub address follows what tabs say (and their
 * idle timer), across tabs and disconnects; do-not-disturb answers a call busy.
 */
import assert from "node:assert/strict";
import { createMemoryHub } from "../signal/memory-hub.ts";
import { activeAddress } from "./activity.ts";
import { lookupUser, newCallId, openTab, setup, users } from "./testing/kit.ts";

const ANN_ACTIVE = activeAddress(users.ann.userId);

Deno.test("a tab is active from connecting until hidden; another active tab keeps it so", async () => {
  const hub = createMemoryHub();
  const { service } = setup({ hub, awayAfterMs: 1000 });
  try {
    const first = await openTab(service, users.ann, "ann-1");
    assert.equal(await hub.isOnline(ANN_ACTIVE), true, "just opened counts as active");
    const second = await openTab(service, users.ann, "ann-2");
    await first.send({ type: "activity", active: false });
    assert.equal(await hub.isOnline(ANN_ACTIVE), true, "the second tab is still active");
    await second.send({ type: "activity", active: false });
    assert.equal(await hub.isOnline(ANN_ACTIVE), false, "every tab hidden: away");
    await first.send({ type: "activity", active: true });
    assert.equal(await hub.isOnline(ANN_ACTIVE), true);
    assert.deepEqual([...first.take(), ...second.take()], [], "no frame answers activity");
    await first.close();
    assert.equal(await hub.isOnline(ANN_ACTIVE), false, "gone with its tab");
    await second.close();
  } finally {
    await service.close();
    await hub.close();
  }
});

Deno.test("without input for awayAfterMs a tab is no longer active; input restarts the wait", async () => {
  const hub = createMemoryHub();
  const { service, advance, clock } = setup({ hub, awayAfterMs: 1000 });
  try {
    const tab = await openTab(service, users.ann, "ann-1");
    assert.equal(clock.pending, 0, "a tab that never reports arms no timer");
    await tab.send({ type: "activity", active: true });
    await advance(800);
    await tab.send({ type: "activity", active: true });
    await advance(800);
    assert.equal(await hub.isOnline(ANN_ACTIVE), true, "the second input restarted the wait");
    await advance(200);
    assert.equal(await hub.isOnline(ANN_ACTIVE), false, "idle: away");
    assert.equal(clock.pending, 0);
    await tab.close();
  } finally {
    await service.close();
    await hub.close();
  }
});

Deno.test("a malformed activity frame is refused like any bad frame", async () => {
  const { service } = setup();
  try {
    const tab = await openTab(service, users.ann, "ann-1");
    await tab.send({ type: "activity", active: "yes" });
    const [error] = tab.take();
    assert.equal(error.type, "error");
    assert.equal(error.type === "error" && error.code, "invalid_message");
    await tab.close();
  } finally {
    await service.close();
  }
});

Deno.test("do-not-disturb: the caller hears busy, the callee's record says missed", async () => {
  const { service, records } = setup({
    lookupUser: (id) => {
      const found = lookupUser(id);
      return found && found.userId === users.bob.userId ? { ...found, doNotDisturb: true } : found;
    },
  });
  try {
    const ann = await openTab(service, users.ann, "ann-1");
    const bob = await openTab(service, users.bob, "bob-1");
    const callId = newCallId();
    await ann.send({ type: "invite", callId, to: users.bob.care4wId });
    assert.deepEqual(ann.take(), [{ type: "ended", callId, reason: "busy" }]);
    assert.deepEqual(bob.take(), [], "nothing rings");
    assert.deepEqual(records.map((r) => [r.id, r.status, r.calleeUserId]), [[
      callId,
      "missed",
      users.bob.userId,
    ]]);
    await ann.close();
    await bob.close();
  } finally {
    await service.close();
  }
});
