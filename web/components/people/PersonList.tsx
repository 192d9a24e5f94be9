/** A list of colleagues: presence (a dot and its words), a name to call, a star. */
import { PresenceBadge } from "./PresenceBadge.tsx";
import type { Colleague } from "./people-api.ts";

/** What a row can do. */
export interface RowActions {
  /** Calls the colleague through the phone. */
  call(care4wId: string, displayName?: string): void;
  star(person: Colleague): void;
  /** The phone can place a call now. */
  canCall: boolean;
}

/** The colleagues of one list, or `empty` when there are none. */
export function PersonList(
  props: { people: Colleague[]; label: string; empty: string; actions: RowActions },
) {
  const { people, actions } = props;
  if (people.length === 0) return <p class="hint">{props.empty}</p>;
  return (
    <ul class="person-list" aria-label={props.label}>
      {people.map((person) => (
        <li class="person" key={person.care4wId} data-testid="person">
          <PresenceBadge presence={person.presence} testId="person-presence" placeholder />
          <button
            type="button"
            class="person-call"
            disabled={!actions.canCall}
            onClick={() => actions.call(person.care4wId, person.displayName)}
            aria-label={`Dial ${person.displayName}`}
          >
            <span class="person-name">{person.displayName}</span>
            <span class="care4w-id">{person.care4wId}</span>
          </button>
          <button
            type="button"
            class="person-star"
            aria-pressed={person.favourite}
            aria-label={`${person.favourite ? "Unstar" : "Star"} ${person.displayName}`}
            data-testid="star"
            onClick={() => actions.star(person)}
          >
            {person.favourite ? "★" : "☆"}
          </button>
        </li>
      ))}
    </ul>
  );
}
