/**
 * Recordings as MongoDB documents: the id as `_id`, the parties as subdocuments, plus lower-cased
 * copies for search (case-insensitive beyond ASCII without collations, as in the call store).
 */
import type { Document, Filter } from "mongodb";
import type { Recording } from "../../recordings/recording.ts";
import type { RecordingPatch, RecordingQuery } from "../recordings.ts";

/** A stored recording. */
export type RecordingDoc = Omit<Recording, "id"> & {
  _id: string;
  /** Each party's name lower-cased, kept per party so a patch of one needs nothing else. */
  fromNameLower: string;
  toNameLower: string;
  notesLower: string;
  tagsLower: string[];
};

/** Every field of `RecordingPatch`: only these reach `$set`, whatever else a caller passes. */
const PATCHABLE: readonly (keyof RecordingPatch)[] = [
  "from",
  "to",
  "direction",
  "callMode",
  "status",
  "isListened",
  "notes",
  "tags",
  "storageKey",
  "format",
  "durationSeconds",
  "fileSize",
  "deletedAt",
  "archivedAt",
  "purgedAt",
];

/** Newest first unless asked otherwise; ties broken by id so pages never overlap. */
export const SORTS: Record<NonNullable<RecordingQuery["sort"]>, Record<string, 1 | -1>> = {
  newest: { recordedAt: -1, _id: -1 },
  oldest: { recordedAt: 1, _id: 1 },
  // false sorts before true in BSON, so unlistened ones come first.
  unlistened: { isListened: 1, recordedAt: -1, _id: -1 },
};

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A recording as stored. */
export function toDoc({ id, ...rest }: Recording): RecordingDoc {
  return {
    _id: id,
    ...rest,
    fromNameLower: rest.from.displayName.toLowerCase(),
    toNameLower: rest.to.displayName.toLowerCase(),
    notesLower: rest.notes.toLowerCase(),
    tagsLower: rest.tags.map((tag) => tag.toLowerCase()),
  };
}

/** A stored recording as a Recording, without the search copies. */
export function toRecording(doc: RecordingDoc): Recording {
  const {
    _id,
    fromNameLower: _a,
    toNameLower: _b,
    notesLower: _c,
    tagsLower: _d,
    ...rest
  } = doc;
  return { id: _id, ...rest };
}

/** The `$set` of a patch: given fields, the search copies they feed, and `updatedAt`. */
export function patchSet(patch: RecordingPatch, updatedAt: Date): Document {
  const set: Document = { updatedAt };
  for (const field of PATCHABLE) {
    if (patch[field] !== undefined) set[field] = patch[field];
  }
  if (patch.from !== undefined) set.fromNameLower = patch.from.displayName.toLowerCase();
  if (patch.to !== undefined) set.toNameLower = patch.to.displayName.toLowerCase();
  if (patch.notes !== undefined) set.notesLower = patch.notes.toLowerCase();
  if (patch.tags !== undefined) set.tagsLower = patch.tags.map((tag) => tag.toLowerCase());
  return set;
}

/**
 * The owner's filter. The search text is escaped, so regex metacharacters are literal; the other
 * party is `to` on outbound and `from` on inbound; a regex on `tagsLower` matches when any tag
 * does. CareFlow IDs are ASCII, so the regex's own case folding suffices for them.
 */
export function ownerFilter(ownerUserId: string, query: RecordingQuery): Filter<RecordingDoc> {
  const filter: Document = { ownerUserId };
  if (query.type) filter.type = query.type;
  if (query.direction) filter.direction = query.direction;
  filter.status = query.status ?? { $ne: "deleted" };
  if (query.from || query.to) {
    filter.recordedAt = {
      ...(query.from ? { $gte: query.from } : {}),
      ...(query.to ? { $lt: query.to } : {}),
    };
  }
  if (query.q) {
    const $regex = escapeRegex(query.q.toLowerCase());
    const party = (side: "from" | "to") => [
      { [`${side}NameLower`]: { $regex } },
      { [`${side}.care4wId`]: { $regex, $options: "i" } },
    ];
    filter.$or = [
      { direction: "outbound", $or: party("to") },
      { direction: "inbound", $or: party("from") },
      { notesLower: { $regex } },
      { tagsLower: { $regex } },
    ];
  }
  return filter;
}
