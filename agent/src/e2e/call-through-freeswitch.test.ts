/**
 * The media side's promise, end to end on real processes: a call placed through FreeSWITCH (its
 * real event stream, replayed) ends up once in both parties' history with the right status and
 * duration, its recording playable by its owner, and a voicemail in the callee's inbox, whichever
 * one process was killed and restarted in between: web, the agent, Redis, or FreeSWITCH's event
 * socket (cut mid-frame, then "restarted").
 */
import { afterEach, expect, test } from "bun:test";
import { frameEnds } from "../testing/esl-replay.ts";
import { eventually } from "../../../testing/eventually.ts";
import { type MediaWorld, startMediaWorld } from "./world.ts";
import { writeJsonCdrs } from "./captures.ts";

const TIMEOUT = 120_000;
let world: MediaWorld | null = null;

afterEach(async () => {
  await world?.stop();
  world = null;
});

/** What web shows the two people, for a failure's message. */
async function holdings(w: MediaWorld): Promise<string> {
  const { web, alice, bob } = w;
  const seen = await Promise.all([
    web.history(alice),
    web.history(bob),
    web.recordings(alice),
    web.recordings(bob),
  ]).catch((error) => [String(error)]);
  return JSON.stringify(seen);
}

/** What web must hold once everything settled: checked twice, to see nothing arrives twice. */
async function expectTheCallsOnce(w: MediaWorld): Promise<void> {
  const { web, alice, bob } = w;
  const read = async () => {
    const [aliceCalls, bobCalls, aliceRecordings, bobVoicemail] = await Promise.all([
      web.history(alice),
      web.history(bob),
      web.recordings(alice, "call"),
      web.recordings(bob, "voicemail"),
    ]);
    return { aliceCalls, bobCalls, aliceRecordings, bobVoicemail };
  };
  await eventually("the calls, the recording and the voicemail in web", async () => {
    const seen = await read();
    return seen.bobCalls.length >= 2 && seen.aliceCalls.length >= 1 &&
      seen.aliceRecordings.some((r) => r.status === "active") &&
      seen.bobVoicemail.some((r) => r.status === "active");
  }, { timeoutMs: 60_000 })
    .catch(async (error) => {
      throw new Error(
        `${error.message}\nweb holds ${await holdings(w)}\nagent:\n${w.agent.output()}`,
      );
    });
  // Let anything still in flight (a redelivery, a second copy) arrive before counting.
  await eventually(
    "an empty outbox",
    async () => (await w.agent.metric("careflow_agent_outbox_depth")) === 0,
  );
  await Bun.sleep(1500);
  const { aliceCalls, bobCalls, aliceRecordings, bobVoicemail } = await read();

  expect(aliceCalls).toHaveLength(1);
  const outgoing = aliceCalls[0];
  expect(outgoing).toMatchObject({ status: "completed", direction: "outbound", mode: "sip" });
  expect(outgoing.otherParty.care4wId).toBe(bob.care4wId);
  expect(outgoing.recordedBy).toBe(alice.care4wId);
  // The capture: answered after 1 s of ringing, hung up 8.06 s later.
  expect(outgoing.duration).toBe(8);

  expect(bobCalls).toHaveLength(2);
  const incoming = bobCalls.find((call) => call.otherParty.care4wId === alice.care4wId)!;
  expect(incoming).toMatchObject({ status: "completed", direction: "inbound" });
  expect(incoming.duration).toBe(outgoing.duration);
  const fromPhone = bobCalls.find((call) => call.otherParty.phone === "+15551230002")!;
  expect(fromPhone).toMatchObject({ status: "voicemail", direction: "inbound" });

  expect(aliceRecordings).toHaveLength(1);
  // The WAVs' real lengths: 8.31 s and 3.09 s.
  expect(aliceRecordings[0]).toMatchObject({ duration: 8, format: "ogg", callId: outgoing.id });
  expect(bobVoicemail).toHaveLength(1);
  expect(bobVoicemail[0]).toMatchObject({ duration: 3, format: "ogg", callId: fromPhone.id });
  expect(await web.recordings(bob, "call")).toHaveLength(0);
  expect(await web.recordings(alice, "voicemail")).toHaveLength(0);

  for (
    const [person, recording] of [[alice, aliceRecordings[0]], [bob, bobVoicemail[0]]] as const
  ) {
    const media = await web.media(person, recording.id);
    expect(media.status).toBe(200);
    const bytes = new Uint8Array(await media.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("OggS");
    expect(bytes.length).toBeGreaterThan(4000);
  }
  // Nobody else's: Bob cannot play Alice's recording.
  expect((await web.media(bob, aliceRecordings[0].id)).status).toBe(404);
}

test(
  "nothing killed: ESL brings both calls; the CDR files FreeSWITCH also wrote change nothing",
  async () => {
    world = await startMediaWorld(({ bridge, voicemail }) => [
      { capture: bridge },
      { capture: voicemail, holdOpen: true },
    ]);
    await world.esl.replayed(0);
    writeJsonCdrs(world.cdrDir, world.cast);
    await world.esl.replayed(1);
    await expectTheCallsOnce(world);
  },
  TIMEOUT,
);

test("web killed while the calls end, then restarted", async () => {
  world = await startMediaWorld(({ bridge, voicemail }) => [
    { capture: bridge },
    { capture: voicemail, holdOpen: true },
  ]);
  await world.web.kill();
  await world.esl.replayed(1);
  writeJsonCdrs(world.cdrDir, world.cast);
  await eventually(
    "events waiting in the outbox",
    async () => (await world!.agent.metric("careflow_agent_outbox_depth")) > 0,
  );
  await world.web.restart();
  await expectTheCallsOnce(world);
}, TIMEOUT);

test("the agent killed right after the calls ended, then restarted", async () => {
  world = await startMediaWorld(({ bridge, voicemail }) => [
    { capture: bridge },
    { capture: voicemail, holdOpen: true },
  ]);
  await world.esl.replayed(1);
  writeJsonCdrs(world.cdrDir, world.cast);
  await world.agent.kill();
  await world.agent.restart();
  await expectTheCallsOnce(world);
}, TIMEOUT);

test("Redis killed while the calls end, then restarted from its AOF", async () => {
  world = await startMediaWorld(({ bridge, voicemail }) => [
    { capture: bridge },
    { capture: voicemail, holdOpen: true },
  ]);
  await world.esl.replayed(0);
  await world.redis.kill();
  await world.esl.replayed(1);
  writeJsonCdrs(world.cdrDir, world.cast);
  await Bun.sleep(500);
  await world.redis.restart();
  await expectTheCallsOnce(world);
}, TIMEOUT);

test(
  "the event socket cut mid-frame before the recording stopped, FreeSWITCH restarted",
  async () => {
    world = await startMediaWorld(({ bridge, voicemail }) => {
      // Cut inside the frame that carries RECORD_STOP: the rest of the call never comes over ESL.
      const text = new TextDecoder().decode(bridge);
      const recordStop = text.indexOf('"Event-Name":"RECORD_STOP"');
      const frameEnd = frameEnds(bridge).find((end) => end > recordStop)!;
      return [
        { capture: bridge, cutAt: frameEnd - 20 },
        { capture: voicemail, holdOpen: true },
      ];
    });
    await world.esl.replayed(0);
    writeJsonCdrs(world.cdrDir, world.cast);
    await world.esl.restart(1000);
    await world.esl.replayed(1);
    await expectTheCallsOnce(world);
  },
  TIMEOUT,
);
