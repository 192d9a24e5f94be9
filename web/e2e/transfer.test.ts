/**
 * Blind transfer between real browsers (issue 15): Bob, on a call with Ann, hands her to Cat.
 * Ann's phone calls Cat by itself and hears ringback; Cat's ringing card says Bob transferred
 * the call; once Cat answers, Ann and Cat hear each other; Bob's call ends as "Call transferred";
 * the history records both sides of it. A transfer Cat cannot take leaves Bob's call as it was.
 * Attended: Bob holds Ann and asks Cat first; on Complete, Ann's new call takes the place of Bob's
 * with Cat, answered at once.
 */
import assert from "node:assert/strict";
import { launchChromium, watchErrors } from "../testing/browser.ts";
import {
  connectCall,
  history,
  inboundAudioBytes,
  openPhone,
  waitForStatus,
  withPhones,
} from "../testing/phone-kit.ts";
import { startServer } from "../testing/server.ts";
import { eventually } from "../../testing/eventually.ts";

Deno.test("a blind transfer hands the caller to a colleague, who is told who transferred it", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const bob = await openPhone(browser, server.url, "Bob Nurse");
    const errors = [ann, bob].map((user) => watchErrors(user.page));
    await connectCall(ann, bob);

    // Cat has no tab open yet: she is not available, and Bob keeps his call.
    await bob.page.getByRole("button", { name: "Transfer" }).click();
    await bob.page.getByLabel("Transfer to (CareFlow ID)").fill("care4w-1999999");
    await bob.page.getByRole("button", { name: "Transfer now" }).click();
    await bob.page.getByText("Not transferred: no user care4w-1999999").waitFor();
    await waitForStatus(bob.page, "Connected");

    const cat = await openPhone(browser, server.url, "Cat Doctor");
    await bob.page.getByLabel("Transfer to (CareFlow ID)").fill(cat.care4wId);
    await bob.page.getByRole("button", { name: "Transfer now" }).click();
    await waitForStatus(bob.page, `Call transferred to ${cat.care4wId}`);

    // Ann's phone calls Cat: ringback while it rings, and Cat reads who handed the call over.
    await waitForStatus(ann.page, /Ringing/);
    await ann.page.getByTestId("transferred-by").getByText("Transferred by Bob Nurse").waitFor();
    await cat.page.getByTestId("transferred-by").getByText("Transferred by Bob Nurse").waitFor();
    assert.equal(await cat.page.getByTestId("caller-name").textContent(), "Ann Carer");
    await cat.page.getByRole("button", { name: "Answer" }).click();
    await Promise.all([waitForStatus(ann.page, "Connected"), waitForStatus(cat.page, "Connected")]);
    await eventually("audio from Ann reaches Cat", async () => {
      assert.ok((await inboundAudioBytes(cat.page)) > 2_000);
    }, { timeoutMs: 10_000 });
    await cat.page.getByRole("button", { name: "Hang up" }).click();
    await waitForStatus(ann.page, /ended/i);

    await eventually("the history records the transfer on both calls", async () => {
      const bobs = await history(bob, server.url);
      assert.equal(bobs.calls.length, 1);
      assert.equal(bobs.calls[0].transferredTo?.displayName, "Cat Doctor");
      const cats = await history(cat, server.url);
      assert.equal(cats.calls[0].transferredBy?.displayName, "Bob Nurse");
      assert.equal(cats.calls[0].otherParty.displayName, "Ann Carer");
      assert.equal(cats.calls[0].status, "completed");
      assert.equal((await history(ann, server.url)).calls.length, 2);
    });
    // History says it too, on the transferor's row and on the colleague's.
    await bob.page.getByRole("link", { name: "History" }).first().click();
    await bob.page.getByTestId("transfer-note").getByText("Transferred to Cat Doctor").waitFor();
    await cat.page.getByRole("link", { name: "History" }).first().click();
    await cat.page.getByTestId("transfer-note").getByText("Transferred by Bob Nurse").waitFor();
    for (const seen of errors) assert.deepEqual(seen, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

Deno.test("an attended transfer: Bob asks Cat first, then Ann's call takes his place", () =>
  withPhones(
    ["Ann Carer", "Bob Nurse", "Cat Doctor"],
    async ({ server, phones: [ann, bob, cat], errors }) => {
      await connectCall(ann, bob);

      await bob.page.getByRole("button", { name: "Transfer" }).click();
      await bob.page.getByLabel("Transfer to (CareFlow ID)").fill(cat.care4wId);
      await bob.page.getByRole("button", { name: "Ask first" }).click();
      await waitForStatus(ann.page, "On hold by the other side");
      await cat.page.getByRole("button", { name: "Answer" }).click();
      await Promise.all([
        waitForStatus(bob.page, "Connected"),
        waitForStatus(cat.page, "Connected"),
      ]);
      await bob.page.getByTestId("call-parked").getByText("Ann Carer").waitFor();

      await bob.page.getByRole("button", { name: "Complete transfer to Cat Doctor" }).click();
      await waitForStatus(bob.page, "Call transferred to Cat Doctor");
      await cat.page.getByTestId("transferred-by").getByText("Transferred by Bob Nurse").waitFor();
      await Promise.all([
        waitForStatus(ann.page, "Connected"),
        waitForStatus(cat.page, "Connected"),
      ]);
      assert.equal(await cat.page.locator(".party strong").first().textContent(), "Ann Carer");
      await eventually("Ann's audio reaches Cat", async () => {
        assert.ok((await inboundAudioBytes(cat.page)) > 2_000);
      }, { timeoutMs: 10_000 });
      await ann.page.getByRole("button", { name: "Hang up" }).click();
      await waitForStatus(cat.page, /ended/i);
      await eventually("the history of each", async () => {
        const bobs = (await history(bob, server.url)).calls;
        assert.deepEqual(bobs.map((c) => c.transferredTo?.displayName ?? null).sort(), [
          "Cat Doctor",
          null,
        ]);
        const cats = (await history(cat, server.url)).calls;
        assert.deepEqual(cats.map((c) => c.transferredBy?.displayName ?? null).sort(), [
          "Bob Nurse",
          null,
        ]);
      });
      for (const seen of errors) assert.deepEqual(seen, []);
    },
  ));
