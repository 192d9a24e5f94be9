/**
 * Call waiting between real browsers (issue 15): Bob, on a call with Ann, is called by Cat. His
 * call card shows Cat calling (softly, beside Ann's call); he answers, Ann hears she is on hold;
 * he swaps back and forth, audio following each time; when Ann's call ends, Cat's comes back on
 * hold. A call waiting sent to voicemail is heard as busy by its caller, offered a message.
 */
import assert from "node:assert/strict";
import {
  audioKeepsFlowing,
  connectCall,
  dial,
  history,
  patchOwnSettings,
  waitForStatus,
  withPhones,
} from "../testing/phone-kit.ts";
import { eventually } from "../../testing/eventually.ts";

Deno.test("call waiting: answer a second call, swap between the two, each ends on its own", () =>
  withPhones(
    ["Ann Carer", "Bob Nurse", "Cat Doctor"],
    async ({ server, phones: [ann, bob, cat], errors }) => {
      await connectCall(ann, bob);

      await dial(cat, bob);
      const waiting = bob.page.getByTestId("call-waiting");
      await waiting.getByText("Cat Doctor is calling").waitFor();
      await waitForStatus(cat.page, /Ringing/);
      await waiting.getByRole("button", { name: "Answer and hold this call" }).click();
      await Promise.all([
        waitForStatus(cat.page, "Connected"),
        waitForStatus(bob.page, "Connected"),
        waitForStatus(ann.page, "On hold by the other side"),
      ]);
      await bob.page.getByTestId("call-parked").getByText("Ann Carer").waitFor();
      await audioKeepsFlowing(cat);

      // The swap: back to Ann (Cat on hold), then to Cat again.
      await bob.page.getByRole("button", { name: "Swap" }).click();
      await Promise.all([
        waitForStatus(ann.page, "Connected"),
        waitForStatus(cat.page, "On hold by the other side"),
      ]);
      await bob.page.getByTestId("call-parked").getByText("Cat Doctor").waitFor();
      await audioKeepsFlowing(ann);
      await bob.page.getByRole("button", { name: "Swap" }).click();
      await waitForStatus(cat.page, "Connected");
      await waitForStatus(ann.page, "On hold by the other side");

      // Cat hangs up: Ann's call, still on hold, is what Bob sees; he takes it back.
      await cat.page.getByRole("button", { name: "Hang up" }).click();
      await waitForStatus(bob.page, "On hold");
      assert.equal(await bob.page.locator(".party strong").first().textContent(), "Ann Carer");
      await bob.page.getByRole("button", { name: "Resume" }).click();
      await waitForStatus(ann.page, "Connected");
      await ann.page.getByRole("button", { name: "Hang up" }).click();
      await waitForStatus(bob.page, /ended/i);
      await eventually("one record per call, both completed", async () => {
        const calls = (await history(bob, server.url)).calls;
        assert.deepEqual(calls.map((c) => [c.otherParty.displayName, c.status]).sort(), [
          ["Ann Carer", "completed"],
          ["Cat Doctor", "completed"],
        ]);
      });
      for (const seen of errors) assert.deepEqual(seen, []);
    },
  ));

Deno.test("a call waiting sent to voicemail; with call waiting off the caller hears busy", () =>
  withPhones(
    ["Ann Carer", "Bob Nurse", "Cat Doctor"],
    async ({ server, phones: [ann, bob, cat] }) => {
      await connectCall(ann, bob);

      await dial(cat, bob);
      await bob.page.getByTestId("call-waiting").getByRole("button", { name: "To voicemail" })
        .click();
      await waitForStatus(cat.page, "Busy on another call");
      await cat.page.getByTestId("leave-voicemail").waitFor();
      await waitForStatus(bob.page, "Connected");
      assert.equal(await bob.page.getByTestId("call-waiting").count(), 0);

      await patchOwnSettings(bob, server.url, { presence: { callWaiting: false } });
      await cat.page.getByRole("button", { name: /Dismiss|Close/ }).first().click().catch(() => {});
      await dial(cat, bob);
      await waitForStatus(cat.page, "Busy on another call");
      assert.equal(await bob.page.getByTestId("call-waiting").count(), 0, "nothing rang");
      const statuses = (await history(bob, server.url)).calls.map((c) => c.status);
      assert.deepEqual(statuses.filter((s) => s === "missed").length, 2);
    },
  ));
