import type { Look } from "./call-look.ts";

/** One stroked 24x24 path per look: a handset, a bell, pause bars… */
const PATHS: Record<Look, string> = {
  ringing: "M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a2 2 0 0 0 3.4 0",
  connecting: "M5 12h.01M12 12h.01M19 12h.01",
  connected:
    "M5 3h3l2 5-2.5 1.5a11 11 0 0 0 6 6L15 13l5 2v3a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2",
  held: "M9 5v14M15 5v14",
  "remote-held": "M12 3a9 9 0 1 0 0 18 9 9 0 1 0 0-18M10 9v6M14 9v6",
  muted:
    "M3 3l18 18M9 9v2a3 3 0 0 0 5 2.2M15 10V5a3 3 0 0 0-6-.5M18 11a6 6 0 0 1-1 3.3M6 11a6 6 0 0 0 9.5 4.9M12 17v4",
  reconnecting: "M20 12a8 8 0 1 1-2.3-5.7L20 8.6M20 3v5.6h-5.6",
  ended: "M3 14c5-5 13-5 18 0l-2 3-3-1v-3c-2-.7-4-.7-6 0v3l-3 1z",
  failed: "M12 3 22 20H2zM12 10v4M12 17h.01",
};

/** The icon of a call state, beside its words (decorative: hidden from assistive tech). */
export function StateIcon(props: { look: Look }) {
  return (
    <svg
      class="state-icon"
      viewBox="0 0 24 24"
      width="20"
      height="20"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      data-look={props.look}
    >
      <path d={PATHS[props.look]} />
    </svg>
  );
}
