import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { TrailEntryView } from "../../../shared/api.ts";
import { accessTrail } from "../../client/recordings/api.ts";
import { ACTION_LABELS, browserName, formatWhen } from "./format.ts";

/** Who did what to one recording, loaded when it is opened: when, what, who, from where. */
export function AccessTrail(props: { id: string; ownId: string; label: string }) {
  const trail = useSignal<TrailEntryView[] | null>(null);
  const error = useSignal<string | null>(null);

  useEffect(() => {
    accessTrail(props.id)
      .then((entries) => (trail.value = entries))
      .catch((failure: Error) => (error.value = failure.message));
  }, [props.id]);

  if (error.value) return <p class="form-error" role="alert">{error.value}</p>;
  if (!trail.value) return <p class="hint" role="status">Loading the access trail…</p>;
  if (trail.value.length === 0) {
    return <p class="hint">Nobody has played, downloaded or changed this recording yet.</p>;
  }
  return (
    <div class="trail-wrap">
      <table class="trail" data-testid="access-trail">
        <caption class="visually-hidden">Access trail of {props.label}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Who</th>
            <th scope="col">From where</th>
          </tr>
        </thead>
        <tbody>
          {trail.value.map((entry) => (
            <tr key={entry.seq}>
              <td>
                <time dateTime={entry.at}>{formatWhen(entry.at)}</time>
              </td>
              <td>{ACTION_LABELS[entry.action]}</td>
              <td>
                {entry.actor === null
                  ? "CareFlow (retention)"
                  : entry.actor === props.ownId
                  ? "You"
                  : <code>{entry.actor}</code>}
              </td>
              <td title={entry.userAgent ?? undefined}>
                {entry.ip ?? "Unknown address"}
                {entry.userAgent && <span class="trail-agent">{browserName(entry.userAgent)}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
