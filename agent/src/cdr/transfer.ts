/**
 * A call a REFER handed on is two calls in the history: the one before the transfer, which the
 * transferor left (it names the target), and the one the transferee has with the target (it names
 * the transferor). FreeSWITCH keeps all their legs linked, so they arrive as one group; the
 * dialplan marks the transferee's leg and every leg it creates after the transfer with
 * `careflow_transferred_by` (careflow-transfer.xml). Pure, like `buildCall`: the same legs always
 * give the same records and ids.
 */
import { buildCall, type CallRecord } from "./build.ts";
import type { LegSummary } from "./leg.ts";
import { readParty } from "./parties.ts";

function byCreation(a: LegSummary, b: LegSummary): number {
  return (a.createdUs ?? Infinity) - (b.createdUs ?? Infinity) || a.uuid.localeCompare(b.uuid);
}

const seconds = (fromUs: number | null, toUs: number) =>
  fromUs === null ? 0 : Math.max(0, Math.floor((toUs - fromUs) / 1e6));

/**
 * The records of one group of legs: one call; or, when a transfer split it, the call before the
 * transfer (with the A-leg's id, as an untransferred call has) and the call after it (with the id
 * of the first leg the transferee's leg created then, or one derived from that leg's own).
 */
export function buildCalls(legs: LegSummary[]): CallRecord[] {
  const after = legs.filter((leg) => leg.careflow.transferredBy);
  const afterIds = new Set(after.map((leg) => leg.uuid));
  // The transferee's leg was there before the transfer: the marked leg no marked leg created.
  const transferee = after.find((leg) => !leg.parent || !afterIds.has(leg.parent));
  // The transferor's leg kept the parties as they were, and ended when the transfer took.
  const [transferor] = legs.filter((leg) => !afterIds.has(leg.uuid)).sort(byCreation);
  if (!transferee || !transferor) return [buildCall(legs)];
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
