import type { Ref } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { CallSnapshot } from "../../client/call/types.ts";
import { endWords, focusIsLost, lookOf } from "./call-look.ts";
import { StateIcon } from "./StateIcon.tsx";

/**
 * How the last call ended ("Missed call from Ada Lovelace", "Busy on another call"), kept on
 * screen until the person acts: Dismiss, Call back, or a new call (the Phone island clears it).
 * The engine itself goes back to idle after a few seconds; this card does not.
 */
export function EndCard(props: { call: CallSnapshot; onDismiss(): void }) {
  const { call, onDismiss } = props;
  const first = useRef<HTMLElement>(null);
  // Hung up: the call's controls are gone; focus goes to what can be done next (Call back).
  useEffect(() => {
    if (focusIsLost()) first.current?.focus();
  }, []);
  const look = lookOf(call);
  const remote = call.remote;
  return (
    <section class={`end-card card state-${look}`} aria-label="Last call" data-testid="end-card">
      <p class={`call-state state-${look}`} role="status" data-testid="end-reason">
        <StateIcon look={look} />
        <span>{endWords(call)}</span>
      </p>
      {remote && (
        <p class="end-party">
          {remote.displayName && remote.displayName !== remote.care4wId && (
            <span>{remote.displayName}</span>
          )}
          <code class="party-id">{remote.care4wId}</code>
        </p>
      )}
      <div class="end-actions">
        {remote?.care4wId && (
          <a
            ref={first as Ref<HTMLAnchorElement>}
            class="button small secondary"
            href={`/dashboard?dial=${encodeURIComponent(remote.care4wId)}`}
            onClick={onDismiss}
          >
            Call back
          </a>
        )}
        <button
          ref={remote?.care4wId ? undefined : first as Ref<HTMLButtonElement>}
          type="button"
          class="button small secondary"
          onClick={onDismiss}
        >
          Dismiss
        </button>
      </div>
    </section>
  );
}
