/**
 * Recordings as rows: the parties flattened into columns, tags as JSON text, and the lower-cased
 * columns search reads (lower-cased here, not in SQL: SQLite's lower() only folds ASCII). Each
 * party keeps its own search column, so a patch of one party never needs the rest of the row.
 */
import type { RecordParty } from "../../../shared/calls.ts";
import type { Recording } from "../../recordings/recording.ts";
import type { RecordingPatch } from "../recordings.ts";
import { decode, type Row, type Shape } from "./db.ts";

const RECORDING: Shape = {
  dates: ["recordedAt", "createdAt", "updatedAt", "deletedAt", "archivedAt", "purgedAt"],
  booleans: ["isListened"],
};

/** Every column a `RecordingPatch` may set (in camelCase): its fields, flattened and derived. */
export const PATCHABLE: readonly string[] = [
  "direction",
  "callMode",
  "status",
  "isListened",
  "notes",
  "storageKey",
  "format",
  "durationSeconds",
  "fileSize",
  "deletedAt",
  "archivedAt",
  "purgedAt",
  "updatedAt",
  ...partyColumnNames("from"),
  ...partyColumnNames("to"),
  "notesLower",
  "tags",
  "tagsLower",
];

function partyColumnNames(side: "from" | "to") {
  return [`${side}Care4wId`, `${side}Phone`, `${side}DisplayName`, `${side}NameLower`];
}

/** One party's columns; the name also lower-cased for search (the ID is ASCII). */
function partyColumns(side: "from" | "to", party: RecordParty) {
  return {
    [`${side}Care4wId`]: party.care4wId,
    [`${side}Phone`]: party.phone,
    [`${side}DisplayName`]: party.displayName,
    [`${side}NameLower`]: party.displayName.toLowerCase(),
  };
}

/** Tags as stored, and lower-cased for search, each a JSON array (json_each reads them back). */
function tagColumns(tags: readonly string[]) {
  return {
    tags: JSON.stringify(tags),
    tagsLower: JSON.stringify(tags.map((tag) => tag.toLowerCase())),
  };
}

/** A recording as a record whose keys are the table's columns (in camelCase, for `encode`). */
export function recordingRow(recording: Recording): object {
  const { from, to, tags, ...rest } = recording;
  return {
    ...rest,
    ...partyColumns("from", from),
    ...partyColumns("to", to),
    notesLower: recording.notes.toLowerCase(),
    ...tagColumns(tags),
  };
}

/** The columns a patch sets; the search columns follow the fields they are derived from. */
export function patchRow(patch: RecordingPatch, updatedAt: Date): object {
  const { from, to, tags, ...rest } = patch;
  return {
    ...rest,
    ...(from !== undefined ? partyColumns("from", from) : {}),
    ...(to !== undefined ? partyColumns("to", to) : {}),
    ...(rest.notes !== undefined ? { notesLower: rest.notes.toLowerCase() } : {}),
    ...(tags !== undefined ? tagColumns(tags) : {}),
    updatedAt,
  };
}

type FlatRecording = Omit<Recording, "from" | "to" | "tags"> & {
  fromCare4wId: string | null;
  fromPhone: string | null;
  fromDisplayName: string;
  toCare4wId: string | null;
  toPhone: string | null;
  toDisplayName: string;
  tags: string;
};

/** A row of `recordings` as a Recording (`decode` already drops the `*_lower` columns). */
export function recordingFromRow(row: Row): Recording {
  const {
    fromCare4wId,
    fromPhone,
    fromDisplayName,
    toCare4wId,
    toPhone,
    toDisplayName,
    tags,
    ...rest
  } = decode<FlatRecording>(row, RECORDING);
  return {
    ...rest,
    from: { care4wId: fromCare4wId, phone: fromPhone, displayName: fromDisplayName },
    to: { care4wId: toCare4wId, phone: toPhone, displayName: toDisplayName },
    tags: JSON.parse(tags) as string[],
  };
}
