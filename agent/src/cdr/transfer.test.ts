/**
 * A transferred call's legs into two records, on legs shaped as a real FreeSWITCH 1.10.12 left
 * them behind Kamailio (careflow-transfer.xml): Bob, called by Ann, hands her on to Cat (the
 * callee's REFER moves the A-leg), or Ann hands Bob on (the caller's REFER moves the B-leg).
 */
import { expect, test } from "bun:test";
import { buildCall } from "./build.ts";
import { toCdrEvent } from "./cdr-event.ts";
import type { LegSummary } from "./leg.ts";
import { buildCalls } from "./transfer.ts";

const [ANN, BOB, CAT] = ["care4w-1700001", "care4w-1700002", "care4w-1700003"];
const S = 1_796_179_170_000_000; // microseconds

function leg(uuid: string, over: Partial<LegSummary>): LegSummary {
  return {
    uuid,
    direction: "outbound",
    parent: null,
    links: [],
    loopback: null,
    createdUs: null,
    answeredUs: null,
    endedUs: null,
    hangupCause: "NORMAL_CLEARING",
    callerNumber: null,
    destinationNumber: null,
    careflow: {},
    quality: null,
    recordSeconds: null,
    recordingPath: null,
    voicemailPath: null,
    hungUp: true,
    disposition: null,
    bridgedTo: null,
    ...over,
  };
}

const second = (n: number) => S + n * 1_000_000;
const A = "a0000000-0000-4000-8000-000000000001";
const B1 = "b1000000-0000-4000-8000-000000000002";
const B2 = "b2000000-0000-4000-8000-000000000003";

/** Bob answered at 1 s, sent his REFER at 10 s; Cat answered at 12 s; Ann hung up at 40 s. */
const calleeTransfers = [
  leg(A, {
    direction: "inbound",
    links: [B1, B2],
    createdUs: second(0),
    answeredUs: second(1),
    endedUs: second(40),
    careflow: { caller: ANN, callee: CAT, transferredBy: BOB },
  }),
  leg(B1, {
    parent: A,
    links: [A],
    createdUs: second(0),
    answeredUs: second(1),
    endedUs: second(10),
    careflow: { caller: ANN, callee: BOB },
  }),
  leg(B2, {
    parent: A,
    links: [A],
    createdUs: second(10),
    answeredUs: second(12),
    endedUs: second(40),
    careflow: { caller: ANN, callee: CAT, transferredBy: BOB },
  }),
];

test("the callee's transfer: Ann-Bob until the REFER, naming Cat; then Ann-Cat, naming Bob", () => {
  const [before, after] = buildCalls(calleeTransfers);
  expect(before).toMatchObject({
    rootUuid: A,
    caller: { party: ANN },
    callee: { party: BOB },
    status: "completed",
    startedUs: second(0),
    answeredUs: second(1),
    endedUs: second(10),
    billsec: 9,
    transferredTo: CAT,
  });
  expect(before.transferredBy).toBeUndefined();
  expect(after).toMatchObject({
    rootUuid: B2,
    caller: { party: ANN },
    callee: { party: CAT },
    status: "completed",
    startedUs: second(10),
    answeredUs: second(12),
    endedUs: second(40),
    transferredBy: BOB,
  });
  const events = [before, after].map((record) => toCdrEvent(record).event!);
  expect(events.map((event) => event.id)).toEqual([`cdr-${A}`, `cdr-${B2}`]);
  expect(events[0].call.transferredTo).toBe(CAT);
  expect(events[1].call.transferredBy).toBe(BOB);
});

test("the caller's transfer: Ann-Bob until the REFER, naming Cat; then Bob-Cat, naming Ann", () => {
  const legs = [
    leg(A, {
      direction: "inbound",
      links: [B1],
      createdUs: second(0),
      answeredUs: second(1),
      endedUs: second(10),
      careflow: { caller: ANN, callee: BOB },
    }),
    leg(B1, {
      parent: A,
      links: [A, B2],
      createdUs: second(0),
      answeredUs: second(1),
      endedUs: second(30),
      careflow: { caller: BOB, callee: CAT, transferredBy: ANN },
    }),
    leg(B2, {
      parent: B1,
      links: [B1],
      createdUs: second(10),
      answeredUs: second(11),
      endedUs: second(30),
      careflow: { caller: BOB, callee: CAT, transferredBy: ANN },
    }),
  ];
  const [before, after] = buildCalls(legs);
  expect(before).toMatchObject({
    rootUuid: A,
    caller: { party: ANN },
    callee: { party: BOB },
    endedUs: second(10),
    transferredTo: CAT,
  });
  expect(after).toMatchObject({
    rootUuid: B2,
    caller: { party: BOB },
    callee: { party: CAT },
    startedUs: second(10),
    answeredUs: second(11),
    transferredBy: ANN,
  });
});

test("a transfer whose target never rang is still two calls; the second one unanswered", () => {
  const legs = calleeTransfers.slice(0, 2);
  const [before, after] = buildCalls(legs);
  expect(before).toMatchObject({ rootUuid: A, callee: { party: BOB }, transferredTo: CAT });
  expect(after).toMatchObject({
    rootUuid: `${A}-transferred`,
    callee: { party: CAT },
    answeredUs: null,
    startedUs: second(10),
    transferredBy: BOB,
  });
  expect(toCdrEvent(after).event?.id).toBe(`cdr-${A}-transferred`);
});

test("a call nobody handed on is the one record it always was, in any order", () => {
  const plain = calleeTransfers.slice(0, 2).map((l) => ({
    ...l,
    careflow: { caller: ANN, callee: BOB },
  }));
  expect(buildCalls(plain)).toEqual([buildCall(plain)]);
  expect(buildCalls([...calleeTransfers].reverse())).toEqual(buildCalls(calleeTransfers));
});

test("an attended transfer: the call and the consultation end when it took; Ann-Cat names Bob", () => {
  const A2 = "a2000000-0000-4000-8000-000000000004";
  // Ann calls Bob (A, B1); Bob asks Cat first (A2, B2); at 20 s Bob completes: FreeSWITCH bridges
  // Ann's leg to Cat's and lets Bob's two legs go; Ann hangs up at 50 s.
  const legs = [
    leg(A, {
      direction: "inbound",
      bridgedTo: B2,
      createdUs: second(0),
      answeredUs: second(1),
      endedUs: second(50),
      disposition: "ANSWER",
      careflow: { caller: ANN, callee: BOB },
    }),
    leg(B1, {
      parent: A,
      bridgedTo: A,
      createdUs: second(0),
      answeredUs: second(1),
      endedUs: second(20),
      careflow: { caller: ANN, callee: BOB },
    }),
    leg(A2, {
      direction: "inbound",
      bridgedTo: B2,
      createdUs: second(5),
      answeredUs: second(6),
      endedUs: second(20),
      disposition: "ATTENDED_TRANSFER",
      careflow: { caller: BOB, callee: CAT },
    }),
    leg(B2, {
      parent: A2,
      bridgedTo: A,
      createdUs: second(5),
      answeredUs: second(6),
      endedUs: second(50),
      careflow: { caller: BOB, callee: CAT },
    }),
  ];
  const [call, consultation, bridged] = buildCalls(legs);
  expect(call).toMatchObject({
    rootUuid: A,
    caller: { party: ANN },
    callee: { party: BOB },
    endedUs: second(20),
    billsec: 19,
    transferredTo: CAT,
  });
  expect(consultation).toMatchObject({
    rootUuid: A2,
    caller: { party: BOB },
    callee: { party: CAT },
    startedUs: second(5),
    endedUs: second(20),
  });
  expect(consultation.transferredTo ?? consultation.transferredBy).toBeUndefined();
  expect(bridged).toMatchObject({
    rootUuid: B2,
    caller: { party: ANN },
    callee: { party: CAT },
    status: "completed",
    startedUs: second(20),
    answeredUs: second(20),
    endedUs: second(50),
    billsec: 30,
    transferredBy: BOB,
  });
  expect(buildCalls([...legs].reverse())).toEqual([call, consultation, bridged]);
  // Without the disposition that says a transfer took, the legs stay one call as before.
  const unmarked = legs.map((l) => ({ ...l, disposition: null }));
  expect(buildCalls(unmarked)).toEqual([buildCall(unmarked)]);
});
