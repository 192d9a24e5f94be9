/**
 * An outside phone for Twilio tests: a Chromium page with its own fake microphone and one
 * RTCPeerConnection, standing where Twilio's media edge and the caller's handset would be. It
 * answers a browser's offer or makes one, and counts the audio it receives, so a test proves real
 * media flows both ways through a call the Twilio engine carries.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";

export interface OutsidePhone {
  /** Its E.164 number. */
  number: string;
  /** What it does when rung: pick up, refuse (busy), or let it ring out. */
  behaviour: "answer" | "busy" | "no-answer";
  /** Answers an offer (non-trickle: the answer carries every candidate). */
  answer(offerSdp: string): Promise<string>;
  /** Makes an offer to call in with. */
  offer(): Promise<string>;
  /** Takes the answer to its own offer. */
  accept(answerSdp: string): Promise<void>;
  /** Audio bytes received so far. */
  inboundAudioBytes(): Promise<number>;
  /** Drops the call (a fresh peer connection for the next one). */
  hangUp(): Promise<void>;
  close(): Promise<void>;
}

const PEER = `(() => {
  window.__reset = async () => {
    window.__pc?.close();
    const pc = new RTCPeerConnection();
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const track of mic.getTracks()) pc.addTrack(track, mic);
    window.__pc = pc;
  };
  window.__complete = (pc) => new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve(pc.localDescription.sdp);
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") resolve(pc.localDescription.sdp);
    });
  });
})()`;

/** Opens an outside phone with `number` in its own browser context; `origin` gives it a page. */
export async function openOutsidePhone(
  browser: Browser,
  origin: string,
  number: string,
): Promise<OutsidePhone> {
  const context: BrowserContext = await browser.newContext();
  const page: Page = await context.newPage();
  // Any page of a secure (loopback) origin may open the fake microphone.
  await page.goto(`${origin}/login`);
  await page.evaluate(PEER);
  await page.evaluate("window.__reset()");
  return {
    number,
    behaviour: "answer",
    answer: (offerSdp) =>
      page.evaluate(async (sdp) => {
        // deno-lint-ignore no-explicit-any
        const w = globalThis as any;
        const pc: RTCPeerConnection = w.__pc;
        await pc.setRemoteDescription({ type: "offer", sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        return await w.__complete(pc);
      }, offerSdp),
    offer: () =>
      page.evaluate(async () => {
        // deno-lint-ignore no-explicit-any
        const w = globalThis as any;
        const pc: RTCPeerConnection = w.__pc;
        await pc.setLocalDescription(await pc.createOffer());
        return await w.__complete(pc);
      }),
    accept: (answerSdp) =>
      page.evaluate(async (sdp) => {
        // deno-lint-ignore no-explicit-any
        await (globalThis as any).__pc.setRemoteDescription({ type: "answer", sdp });
      }, answerSdp),
    inboundAudioBytes: () =>
      page.evaluate(async () => {
        // deno-lint-ignore no-explicit-any
        const pc: RTCPeerConnection = (globalThis as any).__pc;
        let bytes = 0;
        (await pc.getStats()).forEach((stat) => {
          if (stat.type === "inbound-rtp" && stat.kind === "audio") bytes += stat.bytesReceived;
        });
        return bytes;
      }),
    hangUp: () => page.evaluate("window.__reset()"),
    close: () => context.close(),
  };
}
