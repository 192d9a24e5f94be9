/**
 * Do-not-disturb and the call privacy settings reach the agent with every subscriber push (the
 * settings sync, the rotation push, the outbox replay and the agent's cache-miss answer agree),
 * in the shape the agent's zod contract takes, and only when not the default.
 */
import assert from "node:assert/strict";
import { subscriberRecordSchema, subscriberUpsertSchema } from "../../shared/agent-contract.ts";
import { defaultStored, type StoredSettings } from "../../shared/settings.ts";
import { createTestApp, SIP_TEST_ENV } from "../testing/app.ts";
import { createRecordingAgent } from "../testing/recording-agent.ts";
import { storeOutbox } from "./agent-outbox.ts";
import { callPrivacyChanged, callPrivacyFields } from "./call-privacy.ts";

/** The defaults with some privacy and presence fields changed. */
function settingsWith(
  privacy: Partial<StoredSettings["privacy"]>,
  presence: Partial<StoredSettings["presence"]> = {},
): StoredSettings {
  const base = defaultStored();
  return {
    ...base,
    privacy: { ...base.privacy, ...privacy },
    presence: { ...base.presence, ...presence },
  };
}

Deno.test("call privacy: only what differs from the default is pushed", () => {
  assert.deepEqual(callPrivacyFields(defaultStored()), {});
  const all = settingsWith(
    { allowDirectCalls: false, blockAnonymousCalls: true },
    { doNotDisturb: true },
  );
  assert.deepEqual(callPrivacyFields(all), {
    doNotDisturb: true,
    allowDirectCalls: false,
    blockAnonymousCalls: true,
  });
  // Settings the agent does not use are no reason to push.
  const display = {
    ...defaultStored(),
    display: { ...defaultStored().display, timeFormat: "24h" },
  };
  assert.equal(callPrivacyChanged(defaultStored(), display as StoredSettings), false);
  assert.equal(
    callPrivacyChanged(defaultStored(), settingsWith({ showOnlineStatus: false })),
    false,
  );
  for (
    const changed of [
      settingsWith({}, { doNotDisturb: true }),
      settingsWith({ allowDirectCalls: false }),
      settingsWith({ blockAnonymousCalls: true }),
    ]
  ) {
    assert.equal(callPrivacyChanged(defaultStored(), changed), true);
    assert.equal(callPrivacyChanged(changed, defaultStored()), true);
  }
});

Deno.test("every push of a user carries their do-not-disturb and call privacy", async () => {
  const agent = createRecordingAgent();
  const t = createTestApp(SIP_TEST_ENV, { agent });
  try {
    await t.signup("ann@example.org", "Ann Example");
    const ann = (await t.services.store.findUserByCare4wId("care4w-1000001"))!;
    const sip = t.services.sip!;
    // Nothing changed: the push is the one it always was.
    assert.equal(await sip.syncSubscriber(ann.care4wId), true);
    assert.deepEqual(agent.pushes.at(-1)!.change, {
      kind: "upsert",
      body: { ha1: null, active: true, displayName: "Ann Example" },
    });

    const refusing = settingsWith(
      { allowDirectCalls: false, blockAnonymousCalls: true },
      { doNotDisturb: true },
    );
    await t.services.store.saveUserSettings(ann.id, refusing, new Date());
    assert.equal(await sip.syncSubscriber(ann.care4wId), true);
    const expected = {
      ha1: null,
      active: true,
      displayName: "Ann Example",
      doNotDisturb: true,
      allowDirectCalls: false,
      blockAnonymousCalls: true,
    };
    const synced = agent.pushes.at(-1)!.change;
    assert.deepEqual(synced, { kind: "upsert", body: expected });
    // What the agent's provisioning route validates it with.
    assert.equal(subscriberUpsertSchema.safeParse(expected).success, true);

    // The rotation push replaces the agent's entry: it must not drop the settings.
    const rotated = await sip.phones.rotate(ann);
    const last = agent.pushes.at(-1)!.change;
    assert.equal(last.kind, "upsert");
    const body = last.kind === "upsert" ? last.body : null;
    assert.equal(body?.ha1?.length, 32, `a new HA1 for ${rotated.username}`);
    assert.deepEqual({ ...body, ha1: null }, expected);

    // A web restart's replay and the agent's cache-miss fetch say the same.
    const replay = await storeOutbox(t.services.store, () => new Date()).currentState(
      ann.care4wId,
    );
    assert.deepEqual(replay, last);
    const record = await sip.phones.subscriber(ann.care4wId);
    assert.deepEqual(record, { care4wId: ann.care4wId, ...body });
    assert.equal(subscriberRecordSchema.safeParse(record).success, true);

    // Back to the defaults: the fields are gone (the agent reads absent as the default).
    await t.services.store.saveUserSettings(ann.id, defaultStored(), new Date());
    assert.equal(await sip.syncSubscriber(ann.care4wId), true);
    const cleared = agent.pushes.at(-1)!.change;
    assert.deepEqual(cleared.kind === "upsert" && { ...cleared.body, ha1: null }, {
      ha1: null,
      active: true,
      displayName: "Ann Example",
    });
  } finally {
    await t.close();
  }
});
