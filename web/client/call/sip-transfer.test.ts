import assert from "node:assert/strict";
import { refusalText, sipfragStatus } from "./sip-transfer.ts";

Deno.test("a NOTIFY's sipfrag body gives the status of the transferee's new call", () => {
  assert.deepEqual(sipfragStatus("SIP/2.0 180 Ringing\r\n"), { code: 180, reason: "Ringing" });
  assert.deepEqual(sipfragStatus("  SIP/2.0 200 OK"), { code: 200, reason: "OK" });
  assert.equal(sipfragStatus("SIP/2.0 abc"), null);
  assert.equal(sipfragStatus(undefined), null);
});

Deno.test("why a transfer did not take, in the words the notice uses", () => {
  const id = "care4w-1000003";
  assert.equal(refusalText(404, "Not Found", id), `no user ${id}`);
  assert.equal(refusalText(480, "Temporarily Unavailable", id), `${id} is not available`);
  assert.equal(refusalText(486, "Busy Here", id), `${id} is busy`);
  assert.equal(refusalText(603, "Decline", id), `${id} declined`);
  assert.equal(refusalText(500, "", id), `the call to ${id} failed (500)`);
});
