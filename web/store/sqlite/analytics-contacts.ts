/**
 * The contacts of a period in SQLite: the whole 28-day blocks (since 1970, UTC) inside it from
 * the `contact_rollups` rows, the partial blocks at its ends grouped from the calls (through the
 * covering indexes of each side of the history), merged and ranked. Exact for any period: a
 * period's ends are instants, and a rollup block is used only when it lies wholly inside. (A
 * year of a busy user: some 6,000 rollup rows and a few weeks of calls.)
 */
import type { SQLInputValue } from "node:sqlite";
import { ANSWERED, compareContacts, type ContactTally } from "../../../shared/analytics.ts";
import type { AnalyticsQuery } from "../analytics.ts";
import type { Db, Row } from "./db.ts";

/** The rollups' user id of the organisation (user ids are never empty). */
export const ORGANISATION = "";
const BLOCK_MS = 28 * 86_400_000;

const FROM_ROLLUP = `SELECT contact, care4w_id, phone, name, latest, calls, answered,
    talk_seconds AS talk
  FROM contact_rollups WHERE user_id = :user AND block >= :fb AND block < :tb`;

/** One view row per call and viewer (see the migration); its other party is the contact. */
const FROM_CALLS = `SELECT COALESCE(care4w_id, phone, name) AS contact, care4w_id, phone, name,
    MAX(started_at) AS latest, COUNT(*) AS calls, SUM(status = '${ANSWERED}') AS answered,
    SUM(IIF(status = '${ANSWERED}', duration_seconds, 0)) AS talk
  FROM call_analytics_rows
  WHERE user_id = :user AND started_at >= :from AND started_at < :to GROUP BY contact`;

type Tallied = ContactTally & { latest: number };

/** Adds rows (contact, party, latest, counts) into `merged`, keeping the latest party. */
function mergeRows(merged: Map<string, Tallied>, rows: Row[]): void {
  for (const row of rows) {
    const party = {
      care4wId: row.care4w_id as string | null,
      phone: row.phone as string | null,
      displayName: row.name as string,
    };
    const latest = row.latest as number;
    const known = merged.get(row.contact as string);
    if (!known) {
      merged.set(row.contact as string, {
        party,
        latest,
        calls: row.calls as number,
        answered: row.answered as number,
        talkSeconds: row.talk as number,
      });
      continue;
    }
    known.calls += row.calls as number;
    known.answered += row.answered as number;
    known.talkSeconds += row.talk as number;
    if (latest > known.latest) [known.latest, known.party] = [latest, party];
  }
}

/** The period's contacts of `user` (or `ORGANISATION`), ranked by `compareContacts` and cut. */
export function contactTally(db: Db, query: AnalyticsQuery, user: string): ContactTally[] {
  const from = query.from.getTime();
  const to = query.to.getTime();
  const firstBlock = Math.ceil(from / BLOCK_MS);
  const endBlock = Math.floor(to / BLOCK_MS);
  const merged = new Map<string, Tallied>();
  const fromCalls = (range: { from: number; to: number }) => {
    if (range.from >= range.to) return;
    mergeRows(merged, db.sql(FROM_CALLS).all({ user, ...range }) as Row[]);
  };
  if (firstBlock < endBlock) {
    const blocks: Record<string, SQLInputValue> = { user, fb: firstBlock, tb: endBlock };
    mergeRows(merged, db.sql(FROM_ROLLUP).all(blocks) as Row[]);
    fromCalls({ from, to: firstBlock * BLOCK_MS });
    fromCalls({ from: endBlock * BLOCK_MS, to });
  } else {
    fromCalls({ from, to });
  }
  return [...merged.values()].map(({ latest: _, ...contact }) => contact)
    .sort(compareContacts).slice(0, Math.max(0, Math.floor(query.contactLimit)));
}
