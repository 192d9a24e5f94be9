import type { CallView } from "../../../shared/api.ts";
import { addressOf } from "../../../shared/calls.ts";
import type { Presence } from "../../../shared/presence.ts";
import { qualityGrade } from "../../../shared/quality.ts";
import { type Display, formatDateTime } from "../../../shared/display-time.ts";
import type { PresenceWords } from "../../client/use-presence-batch.ts";
import { STATUS_LABELS } from "./HistoryFilters.tsx";
import { PresenceBadge } from "../people/PresenceBadge.tsx";

const GRADE_LABELS = { good: "Good audio", fair: "Fair audio", poor: "Poor audio" } as const;

function duration(seconds: number): string {
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

/**
 * One page of calls: who (with a colleague's presence, from `presence` by CareFlow ID), when (in
 * the user's time zone, date and time formats: `display`), how it ended, how long, and a way to
 * call back.
 */
export function CallTable(
  props: { calls: CallView[]; display: Display; presence: PresenceWords },
) {
  return (
    <table class="calls" data-testid="history-table">
      <thead>
        <tr>
          <th scope="col">Who</th>
          <th scope="col">When</th>
          <th scope="col">Status</th>
          <th scope="col">Length</th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.calls.map((call) => (
          <CallRow
            key={call.id}
            call={call}
            display={props.display}
            presence={call.otherParty.care4wId
              ? props.presence[call.otherParty.care4wId]
              : undefined}
          />
        ))}
      </tbody>
    </table>
  );
}

function CallRow(
  { call, display, presence }: { call: CallView; display: Display; presence?: Presence },
) {
  const inbound = call.direction === "inbound";
  const address = addressOf(call.otherParty);
  return (
    <tr data-status={call.status}>
      <td>
        <span class="direction" aria-label={inbound ? "Incoming" : "Outgoing"}>
          {inbound ? "↙" : "↗"}
        </span>{" "}
        <strong>{call.otherParty.displayName}</strong>{" "}
        <PresenceBadge presence={presence} testId="history-presence" />
        {/* An outside caller's name is often their number: said once, not twice. */}
        {address !== call.otherParty.displayName && (
          <>
            <br />
            <code>{address}</code>
          </>
        )}
        {call.transferredBy && (
          <span class="transfer-note" data-testid="transfer-note">
            Transferred by {call.transferredBy.displayName}
          </span>
        )}
        {call.transferredTo && (
          <span class="transfer-note" data-testid="transfer-note">
            Transferred to {call.transferredTo.displayName}
          </span>
        )}
        {call.recordedBy && (
          <span class="recorded-by" data-testid="recorded-by">
            <span class="rec-dot" aria-hidden="true" /> Recorded by {call.recordedBy === call
                .otherParty.care4wId
              ? call.otherParty.displayName
              : "you"}
          </span>
        )}
      </td>
      <td>
        <time dateTime={call.startedAt}>{formatDateTime(call.startedAt, display)}</time>
      </td>
      <td data-testid="call-row-status">
        {STATUS_LABELS[call.status]}
        {call.quality && (
          <span
            class={`quality quality-${qualityGrade(call.quality)}`}
            data-testid="call-quality"
            title={`MOS ${call.quality.mos.toFixed(1)}, jitter ${
              Math.round(call.quality.jitterMs)
            } ms, loss ${call.quality.lossPercent.toFixed(1)}%`}
          >
            {GRADE_LABELS[qualityGrade(call.quality)]}
          </span>
        )}
      </td>
      <td data-testid="call-row-duration">{duration(call.duration)}</td>
      <td>
        <a
          class="button small"
          href={`/dashboard?dial=${encodeURIComponent(address)}`}
          aria-label={`Call back ${call.otherParty.displayName}`}
        >
          Call back
        </a>
      </td>
    </tr>
  );
}

/** Previous / next through a paged list; nothing when it fits on one page. */
export function Pager(props: {
  pagination: { page: number; totalPages: number };
  onPage(page: number): void;
}) {
  const { pagination: { page, totalPages }, onPage } = props;
  if (totalPages <= 1) return null;
  return (
    <nav class="pager" aria-label="Pages">
      <button
        type="button"
        class="button small secondary"
        disabled={page <= 1}
        onClick={() => onPage(page - 1)}
      >
        Previous
      </button>
      <span>Page {page} of {totalPages}</span>
      <button
        type="button"
        class="button small secondary"
        disabled={page >= totalPages}
        onClick={() => onPage(page + 1)}
      >
        Next
      </button>
    </nav>
  );
}
