import assert from "node:assert/strict";
import { PRESENCE, PRESENCE_LABELS, type PresenceFacts, presenceOf } from "./presence.ts";

const none: PresenceFacts = {
  tabs: false,
  phone: false,
  inCall: false,
  active: false,
  doNotDisturb: false,
};

Deno.test("presence: nothing connected is offline, also with do-not-disturb on", () => {
  assert.equal(presenceOf(none), "offline");
  assert.equal(presenceOf({ ...none, doNotDisturb: true }), "offline");
  // An activity mark without a tab (a stale one) does not make anyone reachable.
  assert.equal(presenceOf({ ...none, active: true }), "offline");
});

Deno.test("presence: a tab with recent input is available, an idle or hidden one away", () => {
  assert.equal(presenceOf({ ...none, tabs: true, active: true }), "available");
  assert.equal(presenceOf({ ...none, tabs: true }), "away");
});

Deno.test("presence: a SIP device alone is available; it never hides idle tabs", () => {
  assert.equal(presenceOf({ ...none, phone: true }), "available");
  assert.equal(presenceOf({ ...none, phone: true, tabs: true }), "away");
  assert.equal(presenceOf({ ...none, phone: true, tabs: true, active: true }), "available");
});

Deno.test("presence: do-not-disturb beats available and away, not a call in progress", () => {
  assert.equal(presenceOf({ ...none, tabs: true, active: true, doNotDisturb: true }), "dnd");
  assert.equal(presenceOf({ ...none, tabs: true, doNotDisturb: true }), "dnd");
  assert.equal(presenceOf({ ...none, phone: true, doNotDisturb: true }), "dnd");
  assert.equal(
    presenceOf({ ...none, tabs: true, inCall: true, doNotDisturb: true }),
    "on-call",
  );
});

Deno.test("presence: in a call is on-call, even while the tab is hidden", () => {
  assert.equal(presenceOf({ ...none, tabs: true, inCall: true }), "on-call");
  assert.equal(presenceOf({ ...none, tabs: true, active: true, inCall: true }), "on-call");
  // The call's owner keeps the busy mark through a reconnect: still on the call.
  assert.equal(presenceOf({ ...none, inCall: true }), "on-call");
});

Deno.test("presence: every word has a label", () => {
  for (const word of PRESENCE) assert.ok(PRESENCE_LABELS[word].length > 0, word);
});
