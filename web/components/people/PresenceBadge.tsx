import { type Presence, PRESENCE_LABELS } from "../../../shared/presence.ts";

/**
 * A colleague's presence as a dot with its word (never the colour alone), the same in the people
 * panel and the history. Nothing when there is none to show (an outside number, or someone who
 * hides it); `placeholder` keeps an empty slot instead, for lists whose columns line up.
 */
export function PresenceBadge(
  props: { presence: Presence | undefined; testId: string; placeholder?: boolean },
) {
  const { presence } = props;
  if (!presence) return props.placeholder ? <span class="presence-badge hidden-presence" /> : null;
  return (
    <span class={`presence-badge ${presence}`} data-testid={props.testId}>
      <span class="presence-dot" aria-hidden="true" />
      {PRESENCE_LABELS[presence]}
    </span>
  );
}
