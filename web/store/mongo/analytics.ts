/**
 * Call analytics in MongoDB: one aggregation pipeline per period. `$match` uses the history's
 * (user, startedAt) indexes, or `startedAt` for the organisation; local time is computed from the
 * zone's offset segments (a `$switch`), the same rule as the SQLite store, then a `$facet` groups
 * by local hour and by other party.
 */
import type { Db, Document } from "mongodb";
import {
  type AnalyticsTally,
  ANSWERED,
  type ContactTally,
  type HourTally,
  noStatuses,
} from "../../../shared/analytics.ts";
import { CALL_STATUSES, type CallDirection } from "../../../shared/calls.ts";
import type { AnalyticsQuery, AnalyticsStore } from "../analytics.ts";

/** `startedAt` plus the zone's offset, in epoch milliseconds of the local wall clock. */
function localMs(query: AnalyticsQuery): Document {
  const [first, ...rest] = query.offsets;
  const offset = rest.length === 0 ? first?.offsetMs ?? 0 : {
    $switch: {
      branches: rest.map((segment, i) => ({
        case: { $lt: ["$startedAt", new Date(segment.startMs)] },
        then: query.offsets[i].offsetMs,
      })),
      default: rest[rest.length - 1].offsetMs,
    },
  };
  return { $add: [{ $toLong: "$startedAt" }, offset] };
}

/** Which calls, and which way each went, as the viewer sees them (the history's rule). */
function scopeStages(query: AnalyticsQuery): { match: Document; outbound: Document } {
  const range = { startedAt: { $gte: query.from, $lt: query.to } };
  if (query.scope === "organisation") {
    return { match: range, outbound: { $ne: [{ $ifNull: ["$callerUserId", null] }, null] } };
  }
  const user = query.scope.userId;
  return {
    match: {
      $or: [
        { callerUserId: user, ...range },
        { calleeUserId: user, callerUserId: { $ne: user }, ...range },
      ],
    },
    outbound: { $eq: ["$callerUserId", user] },
  };
}

const party = (side: "caller" | "callee") => ({
  care4wId: { $ifNull: [`$${side}Care4wId`, null] },
  phone: { $ifNull: [`$${side}Phone`, null] },
  displayName: `$${side}Name`,
});

const count = (condition: Document) => ({ $sum: { $cond: [condition, 1, 0] } });

function pipeline(query: AnalyticsQuery): Document[] {
  const { match, outbound } = scopeStages(query);
  const statusSums = Object.fromEntries(
    CALL_STATUSES.map((s) => [`s_${s}`, count({ $eq: ["$status", s] })]),
  );
  return [
    { $match: match },
    {
      $project: {
        _id: 0,
        startedAt: 1,
        status: 1,
        direction: { $cond: [outbound, "outbound", "inbound"] },
        talk: { $cond: [{ $eq: ["$status", ANSWERED] }, "$durationSeconds", 0] },
        localHour: { $floor: { $divide: [localMs(query), 3_600_000] } },
        other: { $cond: [outbound, party("callee"), party("caller")] },
      },
    },
    {
      $facet: {
        hours: [{
          $group: {
            _id: { localHour: "$localHour", direction: "$direction" },
            ...statusSums,
            talk: { $sum: "$talk" },
            longest: { $max: "$talk" },
          },
        }],
        contacts: [
          { $sort: { startedAt: 1 } },
          {
            $group: {
              _id: {
                $ifNull: ["$other.care4wId", { $ifNull: ["$other.phone", "$other.displayName"] }],
              },
              party: { $last: "$other" },
              calls: { $sum: 1 },
              answered: count({ $eq: ["$status", ANSWERED] }),
              talk: { $sum: "$talk" },
            },
          },
          { $sort: { calls: -1, talk: -1, _id: 1 } },
          { $limit: Math.max(1, Math.floor(query.contactLimit)) },
        ],
      },
    },
  ];
}

function hourOf(doc: Document): HourTally {
  const statuses = noStatuses();
  for (const status of CALL_STATUSES) statuses[status] = doc[`s_${status}`];
  return {
    localHour: Number(doc._id.localHour),
    direction: doc._id.direction as CallDirection,
    statuses,
    talkSeconds: doc.talk,
    longestSeconds: doc.longest,
  };
}

/** The analytics store; creates the index the organisation's figures walk. */
export async function mongoAnalytics(db: Db): Promise<AnalyticsStore> {
  const calls = db.collection("calls");
  await calls.createIndexes([{ key: { startedAt: 1 }, name: "startedAt" }]);
  return {
    async analyticsTally(query): Promise<AnalyticsTally> {
      const [result] = await calls.aggregate(pipeline(query)).toArray();
      const contacts: ContactTally[] = query.contactLimit <= 0
        ? []
        : (result?.contacts ?? []).map((doc: Document) => ({
          party: doc.party,
          calls: doc.calls,
          answered: doc.answered,
          talkSeconds: doc.talk,
        }));
      return { hours: (result?.hours ?? []).map(hourOf), contacts };
    },
  };
}
