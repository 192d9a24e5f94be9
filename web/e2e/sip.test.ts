/**
 * The dashboard in `sip` mode on the real SIP stack: Chromium registers over WebSocket to
 * Kamailio with the ephemeral credentials of /api/token, and calls a baresip phone (registered
 * with the password from /api/sip/credentials) by CareFlow ID, media through RTPEngine. Both
 * sides connect and audio bytes flow into the browser.
 *
 * Then a baresip phone calls the browser, which answers, holds (the phone's audio stops arriving),
 * resumes and sends DTMF the phone receives.
 *
 * Real processes: redis-server, rtpengine, kamailio (tools/stack), the agent (bun), the web app,
 * baresip and chromium. A missing one makes the test fail, never skip. Ports: SIP 15100, WS 18100,
 * RPC 15180, ng 22240, media 31200-31399, redis 6423, agent 7310, baresip 16200-16259.
 */
import assert from "node:assert/strict";
import { eventually, startSipWeb } from "../testing/sip-web.ts";
import { writeTone } from "../../pbx/testing/audio.ts";
import { type Baresip, type BaresipOptions, startBaresip } from "../../pbx/testing/baresip.ts";
import { registeredAors } from "../../pbx/testing/kit.ts";
import { launchChromium } from "../testing/browser.ts";
import { inboundAudioBytes, openPhone, waitForStatus } from "../testing/phone-kit.ts";
import { sessionCookie } from "../testing/app.ts";

const DOMAIN = "careflow.e2e";
const SIP_PORT = 15100;
const AGENT_PORT = 7310;

/** Signs up through the API and creates the user's SIP phone password. */
async function phoneUser(base: string, name: string) {
  const signup = await fetch(`${base}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: `${name.toLowerCase()}-${crypto.randomUUID()}@example.org`,
      password: "a long enough password",
      displayName: name,
    }),
  });
  assert.equal(signup.status, 201, await signup.clone().text());
  const { user } = await signup.json();
  const cookie = sessionCookie(signup);
  const created = await fetch(`${base}/api/sip/credentials`, {
    method: "POST",
    headers: { cookie, origin: base },
  });
  assert.equal(created.status, 200, await created.clone().text());
  const credentials = await created.json();
  return { care4wId: user.care4wId as string, name, password: credentials.password as string };
}

Deno.test({
  name:
    "sip mode: the dashboard registers over WS, calls a phone, and answers, holds and sends DTMF",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const web = await startSipWeb({
      ports: {
        sip: SIP_PORT,
        ws: 18100,
        rpc: 15180,
        redis: 6423,
        agent: AGENT_PORT,
        rtpengineNg: 22240,
        rtpMin: 31200,
        rtpMax: 31399,
      },
      domain: DOMAIN,
    });
    const { stack, server } = web;
    const cleanups: (() => Promise<unknown>)[] = [() => web.stop()];
    let phone: Baresip | null = null;
    let caller: Baresip | null = null;
    try {
      /** A baresip phone for `user`, playing a tone of `hz` into its calls. */
      const startPhone = async (
        user: Awaited<ReturnType<typeof phoneUser>>,
        hz: number,
        ports: { sip: number; rtp: string },
        extra: Partial<BaresipOptions>,
      ) => {
        const dir = `${stack.workDir}/${user.name.toLowerCase()}`;
        await writeTone(`${dir}.wav`, hz, 30);
        return await startBaresip({
          dir,
          user: user.care4wId,
          domain: DOMAIN,
          authUser: user.care4wId,
          password: user.password,
          proxy: `127.0.0.1:${SIP_PORT}`,
          sipPort: ports.sip,
          rtpPorts: ports.rtp,
          toneWav: `${dir}.wav`,
          quitAfter: 90,
          ...extra,
        });
      };

      const bob = await phoneUser(server.url, "Bob");
      phone = await startPhone(bob, 600, { sip: 16200, rtp: "16210-16229" }, { autoAnswer: true });
      await eventually(
        "baresip's registration",
        async () => (await registeredAors(stack.urls.rpc)).includes(bob.care4wId),
      );

      const browser = await launchChromium({
        media: true,
      });
      cleanups.unshift(() => browser.close());
      // "Ready" in sip mode means sip.js is registered to Kamailio over the WebSocket.
      const ann = await openPhone(browser, server.url, "Ann");
      await eventually(
        "the browser's registration",
        async () => (await registeredAors(stack.urls.rpc)).includes(ann.care4wId),
      );

      await ann.page.getByLabel("Number or CareFlow ID").fill(bob.care4wId);
      await ann.page.getByTestId("callee-name").filter({ hasText: "Bob" }).waitFor();
      await ann.page.getByRole("button", { name: "Call", exact: true }).click();
      await waitForStatus(ann.page, "Connected", 20_000).catch(async (error) => {
        // Say where it stuck: ICE vs DTLS on the browser side, and what RTPEngine said.
        const states = await ann.page.evaluate(() => {
          // deno-lint-ignore no-explicit-any
          const pc = (globalThis as any).__peers.at(-1) as RTCPeerConnection | undefined;
          return `connection=${pc?.connectionState} ice=${pc?.iceConnectionState}`;
        });
        const rtpengine = await Deno.readTextFile(`${stack.workDir}/rtpengine.log`);
        throw new Error(
          `${error.message}\nbrowser ${states}\nrtpengine:\n${rtpengine.slice(-1500)}`,
        );
      });
      await eventually("Bob's phone to answer", async () => {
        const log = await Deno.readTextFile(phone!.logFile);
        return new RegExp(`Call established: sip:${ann.care4wId}@`).test(log);
      });

      let first = 0;
      await eventually("audio into the browser", async () => {
        first = await inboundAudioBytes(ann.page);
        return first > 0;
      });
      await eventually(
        "audio to keep flowing",
        async () => (await inboundAudioBytes(ann.page)) > first,
      );

      await ann.page.getByRole("button", { name: "Hang up" }).click();
      await waitForStatus(ann.page, "Ended: Call ended");
      await eventually("Bob's phone to hang up", async () => {
        const log = await Deno.readTextFile(phone!.logFile);
        return /closed|terminated|BYE/i.test(log.split("Call established")[1] ?? "");
      });
      await waitForStatus(ann.page, "Ready");

      // The other way round: a phone calls the browser, which answers, holds and sends tones.
      const carol = await phoneUser(server.url, "Carol");
      caller = await startPhone(carol, 700, { sip: 16204, rtp: "16230-16259" }, {
        commands: [`/dial sip:${ann.care4wId}@${DOMAIN}`],
      });
      await waitForStatus(ann.page, "Incoming call");
      await ann.page.getByText(carol.care4wId).first().waitFor();
      await ann.page.getByRole("button", { name: "Answer" }).click();
      await waitForStatus(ann.page, "Connected", 20_000);
      const flowing = async () => {
        const before = await inboundAudioBytes(ann.page);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return (await inboundAudioBytes(ann.page)) > before;
      };
      await eventually("Carol's audio into the browser", flowing);

      await ann.page.getByRole("button", { name: "Hold" }).click();
      await waitForStatus(ann.page, "On hold");
      // The hold re-INVITE went through Kamailio and RTPEngine: the phone's audio stops arriving.
      await eventually("audio to stop while on hold", async () => !(await flowing()));
      await ann.page.getByRole("button", { name: "Hold" }).click();
      await waitForStatus(ann.page, "Connected");
      await eventually("audio to flow again after resuming", flowing);

      await ann.page.getByRole("button", { name: "Keypad" }).click();
      const tones = ann.page.getByRole("group", { name: "Send tones" });
      await tones.getByRole("button", { name: "5", exact: true }).click();
      await tones.getByRole("button", { name: "#", exact: true }).click();
      await eventually("the phone to receive the tones", async () => {
        const log = await Deno.readTextFile(caller!.logFile);
        // RFC 4733 events in the media ("received event") or SIP INFO ("received DTMF").
        return /received (event|DTMF): '5'/.test(log) && /received (event|DTMF): '#'/.test(log);
      }).catch(async (error) => {
        const log = await Deno.readTextFile(caller!.logFile);
        const lines = log.split(/[\r\n]+/).filter((l) =>
          /dtmf|telephone|sdp|offer|answer|info/i.test(l)
        );
        throw new Error(`${error.message}; the phone's log:\n${lines.join("\n").slice(-3000)}`);
      });

      await ann.page.getByRole("button", { name: "Hang up" }).click();
      await waitForStatus(ann.page, "Ended: Call ended");
    } finally {
      await (caller as Baresip | null)?.stop();
      await (phone as Baresip | null)?.stop();
      for (const cleanup of cleanups) await cleanup().catch(() => {});
    }
  },
});
