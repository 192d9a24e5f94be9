/**
 * Calls a REFER handed on, cut into the calls the history shows. FreeSWITCH keeps every leg of
 * them linked, so they arrive as one group.
 * - Blind: the call before the transfer, which the transferor left (it names the target), and the
 *   one the transferee has with the target (it names the transferor). The dialplan marks the
 *   transferee's leg and every leg it creates after with `careflow_transferred_by`
 *   (careflow-transfer.xml).
 * - Attended (Replaces): the call and the consultation, each ended when the transfer took, and
 *   the call FreeSWITCH bridged between the two parties left (it names the transferor, the one
 *   party both calls had). The consultation's leg from the transferor ends ATTENDED_TRANSFER.
 * Pure, like `buildCall`: the same legs always give the same records and ids.
 */
import { buildCall, type CallRecord, rootLeg } from "./build.ts";
import type { LegSummary } from "./leg.ts";
import { readParty } from "./parties.ts";

function byCreation(a: LegSummary, b: LegSummary): number {
  return (a.createdUs ?? Infinity) - (b.createdUs ?? Infinity) || a.uuid.localeCompare(b.uuid);
}

const seconds = (fromUs: number | null, toUs: number) =>
  fromUs === null ? 0 : Math.max(0, Math.floor((toUs - fromUs) / 1e6));

/**
 * The records of one group of legs: one call; or, when a blind transfer split it, the call before
 * the transfer (with the A-leg's id, as an untransferred call has) and the call after it (with the
 * id of the first leg the transferee's leg created then, or one derived from that leg's own); or,
 * after an attended transfer, the call, the consultation (each with its A-leg's id) and the call
 * bridged between the two left (with its leg's id that is no A-leg's).
 */
export function buildCalls(legs: LegSummary[]): CallRecord[] {
  return attendedCalls(legs) ?? blindCalls(legs) ?? [buildCall(legs)];
}

function blindCalls(legs: LegSummary[]): CallRecord[] | null {
  const after = legs.filter((leg) => leg.careflow.transferredBy);
  const afterIds = new Set(after.map((leg) => leg.uuid));
  // The transferee's leg was there before the transfer: the marked leg no marked leg created.
  const transferee = after.find((leg) => !leg.parent || !afterIds.has(leg.parent));
  // The transferor's leg kept the parties as they were, and ended when the transfer took.
  const [transferor] = legs.filter((leg) => !afterIds.has(leg.uuid)).sort(byCreation);
  if (!transferee || !transferor) return null;
  const created = after.filter((leg) => leg !== transferee).sort(byCreation);

  const before = buildCall(legs.filter((leg) => !afterIds.has(leg.uuid) || leg === transferee));
  const transferredAt = transferor.endedUs ?? before.endedUs;
  const { caller, callee } = transferor.careflow;
  const beforeRecord: CallRecord = {
    ...before,
    caller: caller ? readParty(caller) : before.caller,
    callee: callee ? readParty(callee) : before.callee,
    endedUs: transferredAt,
    billsec: seconds(before.answeredUs, transferredAt),
    transferredTo: created[0]?.careflow.callee ?? transferee.careflow.callee,
  };

  const afterCall = buildCall([transferee, ...created]);
  const startedUs = created[0]?.createdUs ?? transferredAt;
  const afterRecord: CallRecord = {
    ...afterCall,
    rootUuid: created[0]?.uuid ?? `${transferee.uuid}-transferred`,
    startedUs,
    answeredUs: created.length > 0 ? afterCall.answeredUs : null,
    transferredBy: transferee.careflow.transferredBy,
  };
  return [beforeRecord, afterRecord];
}

/** The legs of each call the group began as: every leg under the leg no other leg created. */
function callTrees(legs: LegSummary[]): LegSummary[][] {
  const byId = new Map(legs.map((leg) => [leg.uuid, leg]));
  const rootOf = (leg: LegSummary) => {
    let at = leg;
    for (let hops = 0; at.parent && byId.has(at.parent) && hops < legs.length; hops++) {
      at = byId.get(at.parent)!;
    }
    return at;
  };
  const trees = new Map<LegSummary, LegSummary[]>();
  for (const leg of legs) {
    const root = rootOf(leg);
    trees.set(root, [...(trees.get(root) ?? []), leg]);
  }
  return [...trees.entries()].sort(([a], [b]) => byCreation(a, b)).map(([, tree]) => tree);
}

const partyKey = (record: CallRecord, side: "caller" | "callee") => {
  const reading = record[side];
  if (!("party" in reading)) return null;
  return typeof reading.party === "string" ? reading.party : reading.party.phone;
};

function attendedCalls(legs: LegSummary[]): CallRecord[] | null {
  if (!legs.some((leg) => leg.disposition === "ATTENDED_TRANSFER")) return null;
  const trees = callTrees(legs);
  if (trees.length !== 2) return null;
  const treeOf = new Map(trees.flatMap((tree, i) => tree.map((leg) => [leg.uuid, i] as const)));
  // The two legs left, bridged across the calls.
  const left = legs.find((leg) =>
    leg.bridgedTo && treeOf.has(leg.bridgedTo) && treeOf.get(leg.bridgedTo) !== treeOf.get(leg.uuid)
  );
  const other = left && legs.find((leg) => leg.uuid === left.bridgedTo);
  if (!left || !other) return null;
  const [call, consultation] = trees.map(buildCall);
  const [a, b] = [call, consultation].map((r) => [partyKey(r, "caller"), partyKey(r, "callee")]);
  const transferor = a.find((party) => party !== null && b.includes(party));
  if (!transferor) return null;
  const transfereeSide = a[0] === transferor ? "callee" : "caller";
  const targetSide = b[0] === transferor ? "callee" : "caller";
  const endedAt = (tree: LegSummary[], record: CallRecord) => {
    const gone = tree.filter((leg) => leg !== left && leg !== other && leg.endedUs !== null);
    return gone.length ? Math.max(...gone.map((leg) => leg.endedUs!)) : record.endedUs;
  };
  const ended = trees.map((tree, i) => endedAt(tree, [call, consultation][i]));
  const transferredAt = Math.max(...ended);
  const cut = (record: CallRecord, endedUs: number): CallRecord => ({
    ...record,
    endedUs,
    billsec: seconds(record.answeredUs, endedUs),
  });
  const roots = new Set(trees.map((tree) => rootLeg(tree).uuid));
  const idLeg = [other, left].find((leg) => !roots.has(leg.uuid));
  const bridged = buildCall([left, other]);
  const endedUs = Math.max(left.endedUs ?? transferredAt, other.endedUs ?? transferredAt);
  return [
    { ...cut(call, ended[0]), transferredTo: partyKey(consultation, targetSide) ?? undefined },
    cut(consultation, ended[1]),
    {
      ...bridged,
      rootUuid: idLeg?.uuid ?? `${other.uuid}-transferred`,
      caller: call[transfereeSide],
      callee: consultation[targetSide],
      status: "completed",
      hangupCause: "NORMAL_CLEARING",
      startedUs: transferredAt,
      answeredUs: transferredAt,
      endedUs,
      billsec: seconds(transferredAt, endedUs),
      recording: null,
      transferredBy: transferor,
    },
  ];
}
