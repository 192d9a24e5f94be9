import assert from "node:assert/strict";
import {
  namesDialog,
  parseReplaces,
  referToWithReplaces,
  replacesOf,
  unescapeReplaces,
} from "./sip-replaces.ts";

// The consultation as the transferor (its caller) and the target (its callee) see it.
const transferorView = { callId: "a84b4c76e66710@pc33", localTag: "bob1", remoteTag: "cat9" };
const targetView = { callId: "a84b4c76e66710@pc33", localTag: "cat9", remoteTag: "bob1" };

Deno.test("the transferor names the consultation with the target's tag as to-tag", () => {
  assert.equal(replacesOf(transferorView), "a84b4c76e66710@pc33;to-tag=cat9;from-tag=bob1");
});

Deno.test("the target matches a Replaces built from the other end of the same dialog", () => {
  const replaces = parseReplaces(replacesOf(transferorView));
  assert.ok(replaces);
  assert.equal(replaces.earlyOnly, false);
  assert.ok(namesDialog(replaces, targetView));
  // The transferor's own view is the other way round, and another call matches nothing.
  assert.ok(!namesDialog(replaces, transferorView));
  assert.ok(!namesDialog(replaces, { ...targetView, callId: "other@pc33" }));
});

Deno.test("the Refer-To carries the Replaces escaped, and unescapes to the same value", () => {
  const value = replacesOf(transferorView);
  const referTo = referToWithReplaces("sip:care4w-1000003@careflow.test", value);
  assert.equal(
    referTo,
    "<sip:care4w-1000003@careflow.test?Replaces=a84b4c76e66710%40pc33%3Bto-tag%3Dcat9%3Bfrom-tag%3Dbob1>",
  );
  const escaped = /\?Replaces=([^>]*)>/.exec(referTo)?.[1];
  assert.equal(unescapeReplaces(escaped), value);
  assert.equal(unescapeReplaces("%E0%A4%A"), null);
  assert.equal(unescapeReplaces(undefined), null);
});

Deno.test("a Replaces header parses in any order and spacing, and needs both tags", () => {
  assert.deepEqual(
    parseReplaces(" 98732@sip.example.com ; from-tag=r33th4x0r;to-tag = 12345;early-only"),
    {
      callId: "98732@sip.example.com",
      toTag: "12345",
      fromTag: "r33th4x0r",
      earlyOnly: true,
    },
  );
  assert.equal(parseReplaces("98732@sip.example.com;to-tag=12345"), null);
  assert.equal(parseReplaces(";to-tag=1;from-tag=2"), null);
  assert.equal(parseReplaces(""), null);
});
